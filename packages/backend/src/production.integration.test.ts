/**
 * app-config.production.yaml, for real: the backend started with NODE_ENV=production on top of
 * app-config.yaml, on a real PostgreSQL and Redis (started here on free loopback ports) and the
 * running local stack. It uses both, refuses guest sign-in, and signs users in only through
 * the oauth2Proxy provider's headers.
 *
 * Needs the local stack (`npm run stack -- start`; npm test starts it before the integration
 * tests); from a second worktree, MONITORING_STACK_DIR=<the running stack's .stack>.
 */
import * as path from 'node:path';
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
  productionEnv,
  readStackEnv,
  REPO_ROOT,
  RunningBackend,
  startProductionBackend,
} from './__testUtils__/productionBackend';

jest.setTimeout(300_000);

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
        env: productionEnv({
          stack,
          port,
          postgres: postgres.connection,
          redisUrl: redis.url,
        }),
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

/** The headers oauth2-proxy sets (--pass-user-headers) for a signed-in user. */
const proxyHeaders = (user: string) => ({
  'x-forwarded-user': user,
  'x-forwarded-email': `${user}@example.com`,
  'x-forwarded-preferred-username': user,
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

/** Retries `get` until `done` holds (the catalog ingests the examples after start-up). */
async function eventually<T>(
  get: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 1000));
  }
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

  it('serves the catalog and the monitoring API to the signed-in user, caching in Redis', async () => {
    const { token } = await signIn('guest');
    const keysBefore = (await redisCommand(redis!.url, [
      'KEYS',
      'monitoring:*',
    ])) as string[];
    const stack = await api('/api/monitoring/stack', { token });
    // Read at once: the stack view's cache entries live a few seconds.
    const keysAfter = (await redisCommand(redis!.url, [
      'KEYS',
      'monitoring:*',
    ])) as string[];
    expect(stack.status).toBe(200);
    expect(
      keysAfter.filter(k => !keysBefore.includes(k)).length,
    ).toBeGreaterThan(0);
    expect((await api('/api/monitoring/fleet', { token })).status).toBe(200);
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

  it('shares sign-in and the cache between the replicas', async () => {
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
    // What replica 1 read is served to replica 2 from Redis: its entries are read (hits), not
    // written again (a write would reset their time to live).
    const { token } = await signIn('guest');
    expect((await api('/api/monitoring/stack', { token })).status).toBe(200);
    const keys = (await redisCommand(redis!.url, [
      'KEYS',
      'monitoring:*',
    ])) as string[];
    expect(keys.length).toBeGreaterThan(0);
    const ttls = () =>
      Promise.all(keys.map(k => redisCommand(redis!.url, ['PTTL', k])));
    const hits = async () =>
      Number(
        /keyspace_hits:(\d+)/.exec(
          String(await redisCommand(redis!.url, ['INFO', 'stats'])),
        )?.[1],
      );
    const [ttlBefore, hitsBefore] = [await ttls(), await hits()];
    const second = await api('/api/monitoring/stack', { token, replica: 1 });
    const [ttlAfter, hitsAfter] = [await ttls(), await hits()];
    expect(second.status).toBe(200);
    expect(hitsAfter).toBeGreaterThan(hitsBefore);
    const rewritten = keys.filter(
      (_, i) =>
        !(
          Number(ttlAfter[i]) > 0 && Number(ttlAfter[i]) <= Number(ttlBefore[i])
        ),
    );
    expect(rewritten).toEqual([]);
  });
});
