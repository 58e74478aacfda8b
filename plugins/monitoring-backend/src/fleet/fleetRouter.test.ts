import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogConditions } from '@backstage/plugin-catalog-backend/alpha';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  fleetBudgetQuery,
  FleetResponse,
  stackQueries,
  stackTrendQueries,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { FLEET_SNAPSHOT_TASK } from './FleetService';

const ENVS = ['dev', 'staging', 'production'];
const service = (i: number) => `svc-${i}`;

/**
 * A VMSelect that answers the fleet's grouped queries for `count` services x 3 environments,
 * from the recorded series (or only from the raw ones), and counts what it is asked.
 */
function fleetHub(state: {
  count: number;
  recorded: boolean;
  /** Whether the hub records the SLO budgets. */
  budgets: boolean;
  firing: Array<Record<string, string>>;
}) {
  return (req: FakeRequest) => {
    const q = req.params.query ?? '';
    const budgetQuery = q === fleetBudgetQuery();
    const recordedQuery = q.includes('service_cluster');
    if (req.path.endsWith('/api/v1/rules')) {
      const alerts = state.firing.map(labels => ({
        state: 'firing',
        name: 'ServiceDown',
        labels,
        annotations: {},
        value: '1',
      }));
      const rules = [
        {
          type: 'alerting',
          name: 'ServiceDown',
          query: 'up == 0',
          labels: {},
          alerts,
        },
      ];
      return {
        body: JSON.stringify({
          status: 'success',
          data: { groups: [{ name: 'g', rules }] },
        }),
      };
    }
    if ((recordedQuery && !state.recorded) || (budgetQuery && !state.budgets)) {
      return {
        body: JSON.stringify({
          status: 'success',
          data: {
            resultType: req.path.endsWith('query_range') ? 'matrix' : 'vector',
            result: [],
          },
        }),
      };
    }
    const value = (i: number, env: string) => {
      // svc-1 overspent its budget in production; svc-2 has none recorded in dev.
      if (budgetQuery) {
        if (i === 2 && env === 'dev') return undefined;
        return i === 1 && env === 'production' ? -0.25 : 0.8;
      }
      if (q.startsWith('histogram_quantile'))
        return i === 1 && env === 'production' ? 2.5 : 0.1;
      if (q.includes('code=~') || q.includes('_errors:'))
        return i === 1 && env === 'production' ? 2 : 0;
      return 10;
    };
    const series = Array.from({ length: state.count }, (_, i) =>
      ENVS.map(env => ({
        metric: { service: service(i), namespace: 'shop', environment: env },
        v: value(i, env),
      })),
    )
      .flat()
      .filter((s): s is typeof s & { v: number } => s.v !== undefined);
    if (req.path.endsWith('query_range')) {
      const start = Number(req.params.start);
      return {
        body: JSON.stringify({
          status: 'success',
          data: {
            resultType: 'matrix',
            result: series.map(s => ({
              metric: s.metric,
              values: [
                [start, String(s.v)],
                [start + 3600, String(s.v)],
              ],
            })),
          },
        }),
      };
    }
    return {
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'vector',
          result: series.map(s => ({
            metric: s.metric,
            value: [Number(req.params.time), String(s.v)],
          })),
        },
      }),
    };
  };
}

describe('GET /fleet', () => {
  const state = {
    count: 10,
    recorded: true,
    budgets: true,
    firing: [] as Array<Record<string, string>>,
  };
  /** Sizes of the per-entity `authorize` calls (the fallback for conditions it cannot evaluate). */
  const batches: number[] = [];
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  beforeAll(async () => {
    hub = await startFakeVmSelect(req => fleetHub(state)(req));
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
    state.count = 10;
    state.recorded = true;
    state.budgets = true;
    state.firing = [];
    batches.length = 0;
  });

  /**
   * `deny(ref)` per entity: a policy no plugin can evaluate in bulk, so the fleet asks per
   * entity. `conditional`: the policy answers with catalog conditions instead, evaluated on the
   * snapshot.
   */
  async function start(
    count: number,
    deny: (ref: string) => boolean = () => false,
    extra: ReturnType<typeof component>[] = [],
    conditional?: ReturnType<typeof catalogConditions.isEntityOwner>,
  ) {
    const entities = Array.from({ length: count }, (_, i) =>
      component(service(i), {
        'backstage.io/kubernetes-id': service(i),
        'backstage.io/kubernetes-namespace': 'shop',
      }),
    ).concat(extra);
    const permissions = mockServices.permissions.mock({
      authorize: async reqs => {
        batches.push(reqs.length);
        return reqs.map(r => ({
          result: deny((r as any).resourceRef)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        })) as any;
      },
      authorizeConditional: async reqs =>
        reqs.map(r => ({
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'catalog',
          resourceType: 'catalog-entity',
          conditions: conditional ?? {
            rule: 'DECIDED_PER_ENTITY',
            resourceType: 'catalog-entity',
            params: {},
          },
          // Only the metrics permission is conditional; everyone sees the catalog.
          ...(r.permission.name === 'catalog.entity.read'
            ? { result: AuthorizeResult.ALLOW }
            : {}),
        })) as any,
    });
    const scheduler = mockServices.scheduler();
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/select/0/prometheus` },
        environments: ENVS,
      },
      permissions,
      entities,
      scheduler,
    });
    return { server, scheduler };
  }

  const fleet = async (server: any, query = '', user?: string) => {
    const res = await request(server)
      .get(`/api/monitoring/fleet${query}`)
      .set('Authorization', mockCredentials.user.header(user));
    expect({ status: res.status, error: res.body.error?.message }).toEqual({
      status: 200,
      error: undefined,
    });
    return res.body as FleetResponse;
  };
  // The stack's snapshot reads the same hub: its queries are not the fleet's.
  const stackOnly = new Set<string>([
    ...Object.values(stackQueries()),
    ...Object.values(stackTrendQueries()),
  ]);
  const upstreamQueries = () =>
    hub.requests.filter(
      r =>
        r.path.includes('/api/v1/query') &&
        !stackOnly.has(r.params.query ?? ''),
    ).length;
  const all = '?pageSize=200';

  it('asks VMSelect the same few grouped queries per snapshot for 10 and for 1,000 services, and none per request', async () => {
    const small = await fleet((await start(10)).server, all);
    const forTen = upstreamQueries();
    hub.requests.length = 0;
    state.count = 1000;
    const { server } = await start(1000);
    const users = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        fleet(server, '', `user:default/u${i}`),
      ),
    );
    expect(small.total).toBe(10);
    expect(users.every(b => b.total === 1000 && b.rows.length === 50)).toBe(
      true,
    );
    // requests, errors, p95, budgets and the sparklines: once, at the snapshot.
    expect(forTen).toBe(5);
    expect(upstreamQueries()).toBe(5);
    expect(users[0].source).toBe('recording-rules');
    // The permission backend takes bodies of at most 100 kB: asked in chunks.
    expect(Math.max(...batches)).toBeLessThanOrEqual(200);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(20 * 1000 + 10);
  });

  it('serves the snapshot until the scheduler refreshes it, and says how old it is', async () => {
    const { server, scheduler } = await start(3);
    const first = await fleet(server);
    expect(first.snapshot.stale).toBe(false);
    expect(first.snapshot.ageSeconds).toBeLessThan(60);
    state.count = 4;
    expect((await fleet(server)).snapshot.takenAt).toBe(first.snapshot.takenAt);
    await new Promise(r => setTimeout(r, 5));
    await scheduler.triggerTask(FLEET_SNAPSHOT_TASK);
    const next = await fleet(server);
    expect(next.snapshot.takenAt > first.snapshot.takenAt).toBe(true);
    expect(upstreamQueries()).toBe(10);
  });

  it('evaluates catalog conditions on the snapshot, without a call per entity', async () => {
    const owned = component('owned', {
      'backstage.io/kubernetes-id': 'svc-owned',
    });
    owned.relations = [
      { type: 'ownedBy', targetRef: 'group:default/team-mine' },
    ];
    const { server } = await start(
      10,
      () => true,
      [owned],
      catalogConditions.isEntityOwner({ claims: ['group:default/team-mine'] }),
    );
    const body = await fleet(server, all);
    expect(body.rows.map(r => r.name)).toEqual(['owned']);
    expect(batches).toEqual([]);
  });

  it('grades a service without requests but with firing alerts critical, and first', async () => {
    state.firing = [
      {
        alertname: 'ServiceDown',
        service: 'svc-down',
        namespace: 'shop',
        environment: 'production',
      },
    ];
    const down = component('svc-down', {
      'backstage.io/kubernetes-id': 'svc-down',
      'backstage.io/kubernetes-namespace': 'shop',
    });
    const body = await fleet((await start(3, () => false, [down])).server);
    const row = body.rows.find(r => r.name === 'svc-down')!;
    expect(row.cells.production).toMatchObject({
      health: 'critical',
      requestRate: null,
      firingAlerts: 1,
    });
    expect(row.cells.dev).toMatchObject({ health: 'no-data', firingAlerts: 0 });
    // With svc-1 (critical in production) ahead of every healthy service.
    expect(
      body.rows
        .slice(0, 2)
        .map(r => r.name)
        .sort(),
    ).toEqual(['svc-1', 'svc-down']);
  });

  it("counts an entity that names a service only through Roadie's labels as its claimant", async () => {
    const roadie = component('roadie', {
      'prometheus.io/alert': 'all',
      'prometheus.io/labels': `service=${service(2)},namespace=shop`,
    });
    const body = await fleet(
      (await start(10, ref => ref === 'component:default/roadie', [roadie]))
        .server,
      all,
    );
    expect(body.rows.map(r => r.name)).not.toContain(service(2));
    expect(body.rows.map(r => r.name)).not.toContain('roadie');
  });

  it('grades each cell, puts the worst first, and carries a 24-point sparkline', async () => {
    const body = await fleet((await start(10)).server);
    expect(body.environments).toEqual(ENVS);
    const [first] = body.rows;
    expect(first.name).toBe('svc-1');
    expect(first.health).toBe('critical');
    expect(first.cells.production).toMatchObject({
      health: 'critical',
      requestRate: 10,
      errorRatio: 0.2,
      latencyP95: 2.5,
    });
    expect(first.cells.dev).toMatchObject({
      health: 'ok',
      errorRatio: 0,
      latencyP95: 0.1,
    });
    expect(first.cells.dev.sparkline).toHaveLength(24);
    expect(body.rows.slice(1).every(r => r.health === 'ok')).toBe(true);
  });

  it("fills each cell's budget from the one grouped budget query, null where none is recorded", async () => {
    const body = await fleet((await start(10)).server);
    expect(
      hub.requests.filter(r => r.params.query === fleetBudgetQuery()),
    ).toHaveLength(1);
    const row = (name: string) => body.rows.find(r => r.name === name)!;
    expect(row('svc-1').cells.production.budgetRemaining).toBe(-0.25);
    expect(row('svc-1').cells.dev.budgetRemaining).toBe(0.8);
    expect(row('svc-2').cells.dev.budgetRemaining).toBeNull();
    expect(row('svc-2').cells.staging.budgetRemaining).toBe(0.8);

    // Without the SLO recording rules: every budget null, the rest as before.
    state.budgets = false;
    hub.requests.length = 0;
    const none = await fleet((await start(10)).server);
    expect(
      none.rows.every(r =>
        Object.values(r.cells).every(c => c.budgetRemaining === null),
      ),
    ).toBe(true);
    expect(none.rows.find(r => r.name === 'svc-1')!.health).toBe('critical');
    expect(upstreamQueries()).toBe(5);
  });

  it('falls back to the raw series when the recording rules are absent, and says so', async () => {
    state.recorded = false;
    const body = await fleet((await start(10)).server);
    expect(body.source).toBe('raw');
    expect(body.rows[0].cells.production.requestRate).toBe(10);
    // The recorded requests (empty), then the raw ones, errors, p95, budgets, sparklines.
    expect(upstreamQueries()).toBe(6);
    // The budgets are recorded series only: read the same way from either source.
    expect(body.rows[0].cells.production.budgetRemaining).toBe(-0.25);
    expect(
      hub.requests.some(r =>
        r.params.query?.includes('rate(http_requests_total{}[2m])'),
      ),
    ).toBe(true);
  });

  it('leaves out what the policy denies, entity by entity', async () => {
    const body = await fleet(
      (await start(10, ref => ref === 'component:default/svc-3')).server,
    );
    expect(body.rows.map(r => r.name)).not.toContain('svc-3');
    expect(body.total).toBe(9);
  });

  it("shows a service's numbers only when every entity naming it is readable", async () => {
    const impostor = component('impostor', {
      'backstage.io/kubernetes-id': service(1),
      'backstage.io/kubernetes-namespace': 'shop',
    });
    const body = await fleet(
      (await start(10, ref => ref === 'component:default/svc-1', [impostor]))
        .server,
      all,
    );
    // svc-1 is denied; the impostor names svc-1's service, so it shows nothing either.
    expect(body.rows.map(r => r.name)).not.toContain('impostor');
    expect(body.rows.map(r => r.name)).not.toContain('svc-1');
    const allowed = await fleet(
      (await start(10, () => false, [impostor])).server,
      all,
    );
    expect(
      allowed.rows.find(r => r.name === 'impostor')!.cells.production
        .requestRate,
    ).toBe(10);
  });

  it("keeps the caller's own services with mine=true, and counts them either way", async () => {
    const mine = component('mine', {
      'backstage.io/kubernetes-id': 'svc-mine',
    });
    mine.spec = { ...mine.spec, owner: 'user:default/alice' };
    const { server } = await start(5, () => false, [mine]);
    const alice = await fleet(server, '?mine=true', 'user:default/alice');
    expect(alice).toMatchObject({ total: 1, owned: 1 });
    expect(alice.rows.map(r => r.name)).toEqual(['mine']);
    expect(await fleet(server, '', 'user:default/alice')).toMatchObject({
      total: 6,
      owned: 1,
    });
    expect(await fleet(server, '?mine=true', 'user:default/bob')).toMatchObject(
      { total: 0, owned: 0 },
    );
  });

  it('filters, sorts and pages on the server, and refuses bad parameters', async () => {
    const { server } = await start(120);
    expect((await fleet(server, '?q=SVC-11')).rows.map(r => r.name)).toEqual([
      'svc-11',
      'svc-110',
      'svc-111',
      'svc-112',
      'svc-113',
      'svc-114',
      'svc-115',
      'svc-116',
      'svc-117',
      'svc-118',
      'svc-119',
    ]);
    expect((await fleet(server, '?owner=group:default/team-shop')).total).toBe(
      120,
    );
    expect((await fleet(server, '?owner=team-other')).total).toBe(0);
    expect(
      (await fleet(server, '?environment=production')).environments,
    ).toEqual(['production']);
    expect(
      (await fleet(server, '?health=critical')).rows.map(r => r.name),
    ).toEqual(['svc-1']);
    // The default order comes presorted with the snapshot; one environment's is sorted per
    // request: here (svc-1 critical in production only) they agree.
    const presorted = (await fleet(server, '?pageSize=200')).rows;
    const sorted = (await fleet(server, '?pageSize=200&environment=production'))
      .rows;
    expect(presorted.map(r => r.name)).toEqual(sorted.map(r => r.name));
    expect(presorted[0].name).toBe('svc-1');
    const page2 = await fleet(server, '?sort=name&pageSize=50&page=2');
    expect(page2).toMatchObject({ total: 120, page: 2, pageSize: 50 });
    expect(page2.rows).toHaveLength(20);
    const byName = Array.from({ length: 120 }, (_, i) => service(i)).sort(
      (a, b) => a.localeCompare(b),
    );
    expect(page2.rows.map(r => r.name)).toEqual(byName.slice(100));
    // Past the last page: the last page.
    expect((await fleet(server, '?pageSize=100&page=9')).page).toBe(1);
    const desc = await fleet(server, '?sort=name&order=desc&pageSize=1');
    expect(desc.rows[0].name).toBe('svc-99');
    const budget = await fleet(server, '?sort=budget&pageSize=1');
    expect(budget.rows[0].name).toBe('svc-1');
    for (const bad of [
      '?q=a&q=b',
      `?q=${'x'.repeat(201)}`,
      '?matchers=x',
      '?q=%00',
      '?sort=random',
      '?order=up',
      '?page=-1',
      '?pageSize=201',
      '?pageSize=0',
      '?health=bad',
      '?mine=yes',
    ]) {
      const res = await request(server)
        .get(`/api/monitoring/fleet${bad}`)
        .set('Authorization', mockCredentials.user.header());
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    }
    expect((await request(server).get('/api/monitoring/fleet')).status).toBe(
      401,
    );
  });
});
