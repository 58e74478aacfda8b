/**
 * app-config.production.yaml, for real: the backend started with NODE_ENV=production on top of
 * app-config.yaml, on a real PostgreSQL and Redis (started here on free loopback ports) and the
 * running local stack. It uses both, refuses guest sign-in, and signs users in only through
 * the oauth2Proxy provider's headers.
 *
 * One file (over 400 lines) because every claim below runs on one expensive set-up: PostgreSQL,
 * Redis and two backend replicas, started once.
 *
 * Needs the local stack (`npm run stack -- start`; npm test starts it before the integration
 * tests); from a second worktree, MONITORING_STACK_DIR=<the running stack's .stack>.
 */
import * as path from 'node:path';
import type {
  EntityAlertsResponse,
  FleetResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { Client } from 'pg';
import {
  freePort,
  httpRequest,
  redisCommand,
  startTestPostgres,
  startTestRedis,
  TestPostgres,
  TestRedis,
} from '@internal/monitoring-local-stack';
import {
  contentEncoding,
  eventually,
  productionEnv,
  proxyHeaders,
  readStackEnv,
  refreshLines,
  REPO_ROOT,
  RunningBackend,
  startProductionBackend,
} from './__testUtils__/productionBackend';

jest.setTimeout(300_000);

/** The fleet's and stack's snapshot period for these replicas. */
const SNAPSHOT_REFRESH_SECONDS = 5;

let postgres: TestPostgres | undefined;
let redis: TestRedis | undefined;
/** Two replicas on the same PostgreSQL, Redis and render key, as production runs them. */
const replicas: RunningBackend[] = [];

beforeAll(async () => {
  // First, so a missing stack fails the test at once with what to do.
  const stack = await readStackEnv();
  let started = Date.now();
  postgres = await startTestPostgres();
  const pgMs = Date.now() - started;
  started = Date.now();
  redis = await startTestRedis();
  const redisMs = Date.now() - started;
  // One after the other, as a rolling update starts them: on an empty database, replicas that
  // start together race to create the same migration tables and one fails (docs/production.md).
  for (const i of [1, 2]) {
    const port = await freePort();
    replicas.push(
      await startProductionBackend({
        env: {
          ...productionEnv({
            stack,
            port,
            postgres: postgres.connection,
            redisUrl: redis.url,
          }),
          // Short periods, so the test sees several refreshes (production: 30s).
          APP_CONFIG_monitoring_snapshots_refresh: `${SNAPSHOT_REFRESH_SECONDS}s`,
        },
        port,
        logFile: path.join(REPO_ROOT, `.e2e/production-backend-${i}.log`),
        timeoutMs: 120_000, // ~10-20 s here; two of them within jest's 300 s
      }),
    );
  }
  console.log(
    `PostgreSQL ready in ${pgMs} ms, Redis in ${redisMs} ms, the production backend replicas in ${replicas
      .map(r => `${r.startMs} ms`)
      .join(' and ')} (${replicas.map(r => r.url).join(', ')})`,
  );
});

afterAll(async () => {
  await Promise.all(replicas.map(r => r.stop()));
  await redis?.stop();
  await postgres?.stop();
});

const api = (
  apiPath: string,
  opts: {
    token?: string;
    headers?: Record<string, string>;
    replica?: number;
  } = {},
) =>
  httpRequest(`${replicas[opts.replica ?? 0].url}${apiPath}`, {
    timeoutMs: 30_000,
    headers: {
      // What Backstage's frontend sends to the auth routes.
      'x-requested-with': 'XMLHttpRequest',
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
  });

async function query<T>(database: string, sql: string, params: unknown[] = []) {
  const client = new Client({ ...postgres!.connection, database });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function signIn(user: string, replica = 0) {
  const res = await api('/api/auth/oauth2Proxy/refresh', {
    headers: proxyHeaders(user),
    replica,
  });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body);
  return body.backstageIdentity as {
    token: string;
    identity: { userEntityRef: string; ownershipEntityRefs: string[] };
  };
}

describe('the backend with app-config.production.yaml', () => {
  it('keeps its data in PostgreSQL: a database per plugin, the catalog and the auth signing keys there', async () => {
    const databases = (
      await query<{ datname: string }>(
        'postgres',
        'SELECT datname FROM pg_database',
      )
    ).map(r => r.datname);
    expect(databases).toEqual(
      expect.arrayContaining([
        'backstage_plugin_catalog',
        'backstage_plugin_auth',
        'backstage_plugin_scaffolder',
      ]),
    );
    // The catalog's own tables, and its scheduler's task table, filled by this backend.
    const refs = await eventually(
      () =>
        query<{ entity_ref: string }>(
          'backstage_plugin_catalog',
          "SELECT entity_ref FROM refresh_state WHERE entity_ref IN ('component:default/payments', 'user:default/guest')",
        ),
      rows => rows.length === 2,
    );
    expect(refs.map(r => r.entity_ref).sort()).toEqual([
      'component:default/payments',
      'user:default/guest',
    ]);
    const tasks = await query<{ id: string }>(
      'backstage_plugin_catalog',
      'SELECT id FROM backstage_backend_tasks__tasks',
    );
    expect(tasks.length).toBeGreaterThan(0);
  });

  it('has no guest sign-in: the overlay removed the provider app-config.yaml configures', async () => {
    const res = await api('/api/auth/guest/refresh');
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body).error.message).toBe(
      "No auth provider registered for 'guest'",
    );
    expect(res.body).not.toContain('backstageIdentity');
  });

  it('answers the monitoring API only with a token', async () => {
    expect((await api('/api/monitoring/fleet')).status).toBe(401);
    expect((await api('/api/monitoring/stack')).status).toBe(401);
  });

  it("signs in the proxy's user as the catalog user it names, and refuses anyone else", async () => {
    const identity = await eventually(
      () =>
        api('/api/auth/oauth2Proxy/refresh', {
          headers: proxyHeaders('guest'),
        }),
      res => res.status === 200,
    ).then(res => JSON.parse(res.body).backstageIdentity);
    expect(identity.identity.userEntityRef).toBe('user:default/guest');
    expect(identity.identity.ownershipEntityRefs).toEqual(
      expect.arrayContaining(['user:default/guest', 'group:default/team-shop']),
    );
    expect(identity.token.split('.')).toHaveLength(3);
    // Not in the catalog, or no proxy header at all: no token.
    for (const headers of [proxyHeaders('mallory'), {}]) {
      const res = await api('/api/auth/oauth2Proxy/refresh', { headers });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('backstageIdentity');
    }
    // The token's signing key is in the shared database, so every replica verifies it.
    const keys = await query<{ kid: string }>(
      'backstage_plugin_auth',
      'SELECT kid FROM signing_keys',
    );
    expect(keys.length).toBeGreaterThan(0);
  });

  it('serves the catalog and the monitoring API to the signed-in user, from snapshots in Redis', async () => {
    const { token } = await signIn('guest');
    // Once a snapshot holds the example services (the catalog ingests them after start-up).
    const fleet = await eventually(
      () => api('/api/monitoring/fleet', { token }),
      res => res.status === 200 && JSON.parse(res.body).total > 0,
    );
    expect(JSON.parse(fleet.body).total).toBeGreaterThan(0);
    expect((await api('/api/monitoring/stack', { token })).status).toBe(200);
    // Compressed for a client that accepts it (Backstage's root HTTP router).
    expect(
      await contentEncoding(`${replicas[0].url}/api/monitoring/fleet`, token),
    ).toBe('gzip');
    // The snapshots one replica's scheduler wrote: the value, and its time (read first). The
    // cache service keeps a plugin's keys as `<plugin>:<base64 of the key>`.
    const keys = (
      (await redisCommand(redis!.url, ['KEYS', 'monitoring:*'])) as string[]
    ).map(k =>
      Buffer.from(k.slice('monitoring:'.length), 'base64').toString('utf8'),
    );
    for (const what of ['fleet', 'stack'])
      for (const part of ['data', 'at'])
        expect({
          what,
          part,
          found: keys.some(
            k => k.startsWith(`${what}:snapshot:`) && k.endsWith(`:${part}`),
          ),
        }).toEqual({ what, part, found: true });
    const payments = await eventually(
      () =>
        api('/api/catalog/entities/by-name/component/default/payments', {
          token,
        }),
      res => res.status === 200,
    );
    expect(payments.status).toBe(200);
    expect(JSON.parse(payments.body).metadata.name).toBe('payments');
  });

  it('shares sign-in between the replicas', async () => {
    // A token one replica issued is accepted by the other: the signing keys are in PostgreSQL.
    for (const [issuer, other] of [
      [0, 1],
      [1, 0],
    ]) {
      const { token } = await signIn('guest', issuer);
      const res = await api(
        '/api/catalog/entities/by-name/user/default/guest',
        {
          token,
          replica: other,
        },
      );
      expect([issuer, other, res.status]).toEqual([issuer, other, 200]);
    }
  });

  it('computes the fleet once per period for both replicas, which serve the same snapshot', async () => {
    const { token } = await signIn('guest');
    const takenAt = async (replica: number) => {
      const res = await api('/api/monitoring/fleet?pageSize=1', {
        token,
        replica,
      });
      expect(res.status).toBe(200);
      return (JSON.parse(res.body) as FleetResponse).snapshot.takenAt;
    };
    const windowStart = new Date().toISOString();
    const seen: Array<[string, string]> = [];
    // Over 30 s (six periods of 5 s), both replicas read back to back once a second.
    for (let i = 0; i < 30; i++) {
      seen.push([await takenAt(0), await takenAt(1)]);
      await new Promise(r => setTimeout(r, 1000));
    }
    const windowEnd = new Date().toISOString();
    // The same snapshot on both, but for a refresh landing between the two reads.
    expect(seen.filter(([a, b]) => a === b).length).toBeGreaterThan(25);
    // Each refresh logs a line on the replica that ran it: merged, one per period.
    const refreshes = replicas
      .flatMap((r, replica) =>
        refreshLines(r.logFile, 'the fleet').map(at => ({ at, replica })),
      )
      .filter(r => r.at >= windowStart && r.at <= windowEnd)
      .sort((x, y) => x.at.localeCompare(y.at));
    const windowSeconds =
      (Date.parse(windowEnd) - Date.parse(windowStart)) / 1000;
    // One per period across both (the scheduler may start one late, never two per period);
    // two replicas refreshing on their own would make about twice as many.
    expect(refreshes.length).toBeGreaterThanOrEqual(3);
    expect(refreshes.length).toBeLessThanOrEqual(
      Math.floor(windowSeconds / SNAPSHOT_REFRESH_SECONDS) + 1,
    );
    const gaps = refreshes
      .slice(1)
      .map((r, i) => (Date.parse(r.at) - Date.parse(refreshes[i].at)) / 1000);
    // Every snapshot either replica served is one a replica logged as its refresh.
    const refreshed = new Set(
      replicas.flatMap(r => refreshLines(r.logFile, 'the fleet')),
    );
    expect([...new Set(seen.flat())].filter(t => !refreshed.has(t))).toEqual(
      [],
    );
    console.log(
      `fleet snapshots in ${windowSeconds.toFixed(0)} s: ${refreshes.length} refreshes (by replica ${refreshes.map(r => r.replica + 1).join(',')}), gaps ${gaps.map(g => g.toFixed(1)).join('/')} s`,
    );
  });

  it("shows a silence made through one replica as silenced on the other's next read", async () => {
    const { token } = await signIn('guest');
    const alertsPath =
      '/api/monitoring/entity/component/default/payments/alerts';
    const read = async (replica: number) => {
      const res = await api(alertsPath, { token, replica });
      expect(res.status).toBe(200);
      return JSON.parse(res.body) as EntityAlertsResponse;
    };
    const firing = (body: EntityAlertsResponse) =>
      body.rules.flatMap(rule =>
        rule.instances
          .filter(i => i.state === 'firing' && i.environment === 'production')
          .map(instance => ({ rule: rule.name, instance })),
      );
    // payments fails 20 % of its requests in production: its alerts fire (seconds after a start).
    const before = await eventually(
      () => read(1),
      body =>
        firing(body).some(f => f.instance.alertmanager.state === 'active'),
    );
    const target = firing(before).find(
      f => f.instance.alertmanager.state === 'active',
    )!;
    expect(target).toBeDefined();
    // Replica 2 has cached the alert snapshot; the silence goes through replica 1.
    const created = await httpRequest(
      `${replicas[0].url}/api/monitoring/entity/component/default/payments/silences`,
      {
        method: 'POST',
        timeoutMs: 30_000,
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          duration: '10m',
          comment: 'two-replica test',
          alertname: target.rule,
          environment: 'production',
        }),
      },
    );
    expect(created.status).toBe(201);
    const { silenceId } = JSON.parse(created.body);
    try {
      const after = await read(1);
      const instance = firing(after).find(
        f => f.rule === target.rule,
      )!.instance;
      expect(instance.alertmanager.state).toBe('suppressed');
      expect(instance.alertmanager.silencedBy).toContain(silenceId);
      expect(after.silences.map(x => x.id)).toContain(silenceId);
    } finally {
      const expired = await httpRequest(
        `${replicas[0].url}/api/monitoring/entity/component/default/payments/silences/${silenceId}`,
        {
          method: 'DELETE',
          timeoutMs: 30_000,
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(expired.status).toBeLessThan(300);
    }
    // And its end: a second write within 2 s of the first is coalesced into one refresh at the
    // end of that window (SILENCE_REFRESH_WINDOW_MS), so replica 2 shows it within it.
    const ended = await eventually(
      () => read(1),
      body => !body.silences.some(x => x.id === silenceId),
      5000,
    );
    expect(ended.silences.map(x => x.id)).not.toContain(silenceId);
    expect(
      firing(ended).find(f => f.rule === target.rule)!.instance.alertmanager
        .state,
    ).toBe('active');
  });

  // Last: it kills replica 1.
  it('loses only the requests in flight on a replica killed mid-load; the other takes over the snapshots', async () => {
    const { token } = await signIn('guest');
    const paths = [
      '/api/monitoring/fleet',
      '/api/monitoring/stack',
      '/api/monitoring/entity/component/default/payments/alerts',
      '/api/monitoring/entity/component/default/checkout/metrics',
    ];
    let stopping = false;
    let killing = false;
    let killed = false;
    let nextId = 0;
    /** Requests sent to replica 1 and not answered yet, by id. */
    const inFlightOnFirst = new Set<number>();
    let inFlightAtKill = new Set<number>();
    const outcome = {
      ok: 0,
      rerouted: 0,
      lost: [] as number[],
      failedOnSecond: 0,
      statuses: new Map<number, number>(),
    };
    // A load balancer's view: round robin, and a connection refused goes to the other replica.
    const send = async (replica: number, route: string) => {
      const id = nextId++;
      if (replica === 0) inFlightOnFirst.add(id);
      // Sent while it is dying (SIGKILL sent, exit not seen yet): in flight when it died.
      if (replica === 0 && killing && !killed) inFlightAtKill.add(id);
      try {
        const res = await api(route, { token, replica });
        outcome.statuses.set(
          res.status,
          (outcome.statuses.get(res.status) ?? 0) + 1,
        );
        if (res.status === 200) outcome.ok++;
        else if (replica === 1) outcome.failedOnSecond++;
        else outcome.lost.push(id);
      } catch (e: any) {
        if (replica === 0 && e?.code === 'ECONNREFUSED') {
          outcome.rerouted++;
          await send(1, route);
        } else if (replica === 0) outcome.lost.push(id);
        else outcome.failedOnSecond++;
      } finally {
        inFlightOnFirst.delete(id);
      }
    };
    // Six at a time: one user's requests in flight stay within the per-replica limit (6).
    const users = Array.from({ length: 6 }, async (_, u) => {
      for (let n = u; !stopping; n++)
        await send(n % 2, paths[n % paths.length]);
    });
    await new Promise(r => setTimeout(r, 8000));
    inFlightAtKill = new Set(inFlightOnFirst);
    killing = true;
    const killedAt = new Date().toISOString();
    await replicas[0].kill();
    killed = true;
    await new Promise(r => setTimeout(r, 6000));
    stopping = true;
    await Promise.all(users);
    expect(killed).toBe(true);
    // Lost: only requests replica 1 held when it died; none on replica 2.
    expect(outcome.lost.filter(id => !inFlightAtKill.has(id))).toEqual([]);
    expect(outcome.failedOnSecond).toBe(0);
    expect(outcome.ok).toBeGreaterThan(30);
    // Replica 2 takes over the refreshes: at its next poll, or - when replica 1 died holding
    // the task - once the task's timeout (20 s here) has passed and a scheduler janitor (every
    // minute) has released it. Meanwhile it serves the last snapshot, marked stale.
    const takeover = { statuses: [] as number[], stale: false, seconds: 0 };
    let fresh: FleetResponse | undefined;
    const waitFrom = Date.now();
    while (Date.now() - waitFrom < 120_000) {
      const res = await api('/api/monitoring/fleet?pageSize=1', {
        token,
        replica: 1,
      });
      takeover.statuses.push(res.status);
      const body =
        res.status === 200
          ? (JSON.parse(res.body) as FleetResponse)
          : undefined;
      if (body?.snapshot.stale) takeover.stale = true;
      if (body && body.snapshot.takenAt > killedAt) {
        fresh = body;
        break;
      }
      await new Promise(r => setTimeout(r, 1000));
    }
    takeover.seconds = (Date.now() - waitFrom) / 1000;
    expect(fresh?.snapshot.takenAt).toBeDefined();
    expect(takeover.statuses.filter(x => x !== 200)).toEqual([]);
    // And the stack's, whichever replica had run it.
    const stack = await eventually(
      () => api('/api/monitoring/stack', { token, replica: 1 }),
      res =>
        res.status === 200 && JSON.parse(res.body).snapshot.takenAt > killedAt,
      120_000,
    );
    expect(JSON.parse(stack.body).snapshot.takenAt > killedAt).toBe(true);
    console.log(
      `killed replica 1 mid-load: ${inFlightAtKill.size} requests in flight on it, ${outcome.lost.length} lost, ${outcome.rerouted} refused and sent to replica 2, ${outcome.ok} answered 200 (statuses ${JSON.stringify(Object.fromEntries(outcome.statuses))}); replica 2 refreshed the fleet ${takeover.seconds.toFixed(0)} s later (stale meanwhile: ${takeover.stale}), serving 200 throughout`,
    );
  });
});
