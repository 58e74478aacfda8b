// Over 400 lines: one fake hub answers every case of the route (auth, validation before any query,
// the numbers, alerts, warnings), and its answers are built here beside the cases that read them.
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntitySloResponse,
  SLO_ALERT_NAMES,
  SLO_BURN_RATE_ALERTS,
  SLO_WINDOWS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import {
  Decide,
  startMonitoringBackend,
} from '../__testUtils__/startMonitoringBackend';

const service = (name: string, more: Record<string, string> = {}) =>
  component(name, {
    'backstage.io/kubernetes-id': name,
    'backstage.io/kubernetes-namespace': 'shop',
    ...more,
  });

const entities = [
  // 300ms is no bucket boundary of the fake's histogram; 500ms is.
  service('checkout', {
    'monitoring/slo-availability': '99.9',
    'monitoring/slo-latency': '99',
    'monitoring/slo-latency-threshold': '300ms',
  }),
  service('search', {
    'monitoring/slo-latency': '99',
    'monitoring/slo-latency-threshold': '500ms',
    'monitoring/slo-period': '30d',
  }),
  service('plain'),
  // Names no namespace: its service runs in two, each its own budget.
  component('cart', {
    'monitoring/service-name': 'cart',
    'monitoring/slo-availability': '99.9',
  }),
  service('bad-target', { 'monitoring/slo-availability': 'lots' }),
  service('half', { 'monitoring/slo-latency': '99' }),
  service('jvm', {
    'monitoring/slo-availability': '99.9',
    'monitoring/metrics-profile': 'jvm',
  }),
  component('orphan', { 'monitoring/slo-availability': '99.9' }),
  // Names checkout's service: reading checkout's budgets needs it readable too (claims).
  component('impostor', {
    'backstage.io/kubernetes-id': 'checkout',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
];

const DAY = 86400;
const PERIOD = 30 * DAY;
/** 30d in 48 intervals. */
const STEP = 54000;
/** The instant the tests read at: an hour ago, on the minute. */
const T = Math.floor(Date.now() / 60_000) * 60 - 3600;
const HISTORY_START = T - PERIOD + STEP;

/** Availability error ratios by window, production; dev only overspent its period. */
const AVAILABILITY: Record<string, number> = {
  '5m': 0.0144,
  '30m': 0.006,
  '1h': 0.0036,
  '2h': 0.003,
  '6h': 0.002,
  '1d': 0.001,
  '3d': 0.0005,
  '30d': 0.0004,
};
/** Latency (search, 500ms), production. */
const LATENCY: Record<string, number> = {
  '5m': 0.03,
  '30m': 0.025,
  '1h': 0.02,
  '2h': 0.015,
  '6h': 0.01,
  '1d': 0.008,
  '3d': 0.006,
  '30d': 0.005,
};

const shop = (environment: string) => ({ namespace: 'shop', environment });
const ok = (resultType: string, result: unknown[]) => ({
  body: JSON.stringify({ status: 'success', data: { resultType, result } }),
});

const alert = (
  name: string,
  state: 'firing' | 'pending',
  labels: Record<string, string>,
) => ({
  name,
  state,
  labels: { alertname: name, ...labels },
  annotations: {},
  value: '1',
  activeAt: '2026-03-01T10:00:00Z',
});
const sloAlert = (
  severity: 'page' | 'ticket',
  state: 'firing' | 'pending',
  labels: Record<string, string>,
) =>
  alert(SLO_ALERT_NAMES[severity], state, {
    service: 'checkout',
    namespace: 'shop',
    sloth_severity: severity,
    severity: severity === 'page' ? 'critical' : 'warning',
    ...labels,
  });
const rule = (name: string, alerts: unknown[]) => ({
  type: 'alerting',
  name,
  query: 'x',
  labels: {},
  annotations: {},
  alerts,
});
const RULES = {
  status: 'success',
  data: {
    groups: [
      {
        name: 'slo',
        rules: [
          rule(SLO_ALERT_NAMES.page, [
            sloAlert('page', 'firing', {
              environment: 'production',
              sloth_slo: 'availability',
            }),
            // Another namespace's, another service's: not checkout's.
            sloAlert('page', 'firing', {
              environment: 'production',
              sloth_slo: 'availability',
              namespace: 'elsewhere',
            }),
            sloAlert('page', 'firing', {
              environment: 'production',
              sloth_slo: 'availability',
              service: 'other',
            }),
          ]),
          rule(SLO_ALERT_NAMES.ticket, [
            sloAlert('ticket', 'firing', {
              service: 'cart',
              namespace: 'eu',
              environment: 'production',
              sloth_slo: 'availability',
            }),
            sloAlert('ticket', 'pending', {
              environment: 'dev',
              sloth_slo: 'availability',
            }),
            sloAlert('ticket', 'firing', {
              environment: 'production',
              sloth_slo: 'latency',
            }),
          ]),
          // Not a burn-rate alert.
          rule('ServiceHighErrorRatio', [
            alert('ServiceHighErrorRatio', 'firing', {
              service: 'checkout',
              namespace: 'shop',
              environment: 'production',
            }),
          ]),
        ],
      },
    ],
  },
};

/**
 * A hub that answers the SLO queries: the window is read from the expression, the objective
 * from its metric. Its histogram has buckets at 0.5 and +Inf (none at 0.3), so a 300ms SLI
 * reads nothing, as VMSelect's would.
 */
function sloHub(state: {
  rulesDown: boolean;
  failSli: boolean;
  delayMs: number;
}) {
  return (req: FakeRequest) => ({ ...answer(req), delayMs: state.delayMs });
  function answer(req: FakeRequest): { status?: number; body: string } {
    if (req.path === '/vmalert/api/v1/rules')
      return state.rulesDown
        ? { status: 503, body: 'vmalert down' }
        : { body: JSON.stringify(RULES) };
    const q = req.params.query ?? '';
    const latency = q.includes('http_request_duration_seconds_bucket');
    if (q.startsWith('count by (le)')) {
      return ok('vector', [
        { metric: { le: '+Inf' }, value: [T, '12'] },
        ...(q.includes('0\\\\.5')
          ? [{ metric: { le: '0.5' }, value: [T, '12'] }]
          : []),
      ]);
    }
    const sli = !q.startsWith('sum by');
    if (state.failSli && sli) return { status: 503, body: 'busy' };
    // No bucket at 0.3: the SLI has no series.
    if (sli && latency && !q.includes('0\\\\.5'))
      return ok(req.path.endsWith('query_range') ? 'matrix' : 'vector', []);
    if (req.path.endsWith('query_range')) {
      const values = (v: (i: number) => number) =>
        Array.from({ length: 48 }, (_, i) => [
          Number(req.params.start) + i * STEP,
          String(v(i)),
        ]);
      if (!sli)
        return ok('matrix', [
          { metric: shop('production'), values: values(() => 10) },
        ]);
      // Availability: errors in the last quarter only; latency: evenly.
      const ratio = (i: number) => {
        if (latency) return 0.005;
        return i >= 36 ? 0.0016 : 0;
      };
      return ok('matrix', [
        { metric: shop('production'), values: values(ratio) },
      ]);
    }
    const window = /\[([0-9]+[a-z]+)\]/.exec(q)![1];
    const table = latency ? LATENCY : AVAILABILITY;
    const result = [
      { metric: shop('production'), value: [T, String(table[window])] },
    ];
    // cart's eu namespace burns half as fast.
    if (q.includes('service="cart"'))
      result.push({
        metric: { namespace: 'eu', environment: 'production' },
        value: [T, String(table[window] / 2)],
      });
    if (!latency && window === '30d')
      result.push({ metric: shop('dev'), value: [T, '0.002'] });
    if (!latency && window === '1h')
      result.push({ metric: shop('dev'), value: [T, '0'] });
    return ok('vector', result);
  }
}

describe('GET /entity/.../slo', () => {
  const state = { rulesDown: false, failSli: false, delayMs: 0 };
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  beforeAll(async () => {
    hub = await startFakeVmSelect(req => sloHub(state)(req));
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
    state.rulesDown = false;
    state.failSli = false;
    state.delayMs = 0;
  });

  async function start(
    permissions: AuthorizeResult | Decide = AuthorizeResult.ALLOW,
    vmselect: Record<string, number> = {},
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/prometheus`, ...vmselect },
        vmalert: { url: `${hub.url}/vmalert` },
        environments: ['dev', 'staging', 'production'],
        // Longer than the 30-day periods (the hub contract's default keeps 15 days).
        retention: '90d',
      },
      permissions: permissions as any,
      entities,
    });
    return server;
  }

  const get = (server: any, name: string, query = `?time=${T}`) =>
    request(server)
      .get(`/api/monitoring/entity/component/default/${name}/slo${query}`)
      .set('Authorization', mockCredentials.user.header());
  const vmselectQueries = () =>
    hub.requests.filter(r => r.path.startsWith('/prometheus/'));

  it('warns on each objective when the hub keeps less data than the period', async () => {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/prometheus` },
        vmalert: { url: `${hub.url}/vmalert` },
        environments: ['dev', 'staging', 'production'],
      },
      permissions: AuthorizeResult.ALLOW,
      entities,
    });
    const res = await get(server, 'checkout');
    expect(res.status).toBe(200);
    const body = res.body as EntitySloResponse;
    expect(body.objectives.map(o => o.warnings.at(-1))).toEqual([
      expect.stringMatching(
        /^the hub keeps 15d of data \(monitoring\.retention\), less than the 30d period reaches back/,
      ),
      expect.stringMatching(/^the hub keeps 15d of data/),
    ]);
  });

  it("computes checkout's budgets, burn rates and history from the hub's answers", async () => {
    const res = await get(await start(), 'checkout');
    expect(res.status).toBe(200);
    const body = res.body as EntitySloResponse;
    expect(body).toMatchObject({
      period: '30d',
      periodSeconds: PERIOD,
      evaluatedAt: new Date(T * 1000).toISOString(),
      burnRateAlerts: SLO_BURN_RATE_ALERTS,
    });
    expect(body.objectives.map(o => [o.slo, o.target])).toEqual([
      ['availability', 0.999],
      ['latency', 0.99],
    ]);
    const [availability, latency] = body.objectives;
    expect(availability.budgetMinutes).toBeCloseTo(43.2, 9);
    expect(availability.warnings).toEqual([]);
    expect(
      availability.environments.map(e => [e.environment, e.namespace]),
    ).toEqual([
      ['dev', 'shop'],
      ['staging', undefined],
      ['production', 'shop'],
    ]);
    const [dev, staging, production] = availability.environments;

    expect(production.errorRatio).toBe(0.0004);
    expect(production.sli).toBeCloseTo(0.9996, 12);
    expect(production.budgetRemaining).toBeCloseTo(0.6, 9);
    expect(production.budgetRemainingMinutes).toBeCloseTo(25.92, 9);
    expect(production.burnRates.map(b => b.window)).toEqual([...SLO_WINDOWS]);
    expect(
      production.burnRates.map(b => Number(b.burnRate!.toFixed(6))),
    ).toEqual([14.4, 6, 3.6, 3, 2, 1, 0.5]);
    expect(production.burnRates[2].errorRatio).toBe(0.0036);
    // 60 % of 30 days at 3.6 times the sustainable rate: 5 days.
    expect(production.timeToExhaustionSeconds).toBeCloseTo(5 * DAY, 3);
    expect(production.alerts).toEqual([
      {
        alertname: SLO_ALERT_NAMES.page,
        severity: 'page',
        state: 'firing',
        activeAt: '2026-03-01T10:00:00Z',
      },
    ]);
    // 48 intervals ending at T; the errors of the last 12 spend 40 % of the budget.
    expect(production.history).toHaveLength(48);
    expect(production.history[0].t).toBe(HISTORY_START * 1000);
    expect(production.history[47].t).toBe(T * 1000);
    expect(production.history[35].budgetRemaining).toBe(1);
    expect(production.history[36].budgetRemaining).toBeCloseTo(1 - 0.4 / 12, 9);
    expect(production.history[47].budgetRemaining).toBeCloseTo(
      production.budgetRemaining!,
      9,
    );

    // Overspent: negative, exhausted, its ticket pending.
    expect(dev.budgetRemaining).toBeCloseTo(-1, 9);
    expect(dev.budgetRemainingMinutes).toBeCloseTo(-43.2, 9);
    expect(dev.timeToExhaustionSeconds).toBe(0);
    expect(dev.burnRates[2]).toEqual({
      window: '1h',
      errorRatio: 0,
      burnRate: 0,
    });
    expect(dev.burnRates[0]).toEqual({
      window: '5m',
      errorRatio: null,
      burnRate: null,
    });
    expect(dev.history.every(p => p.budgetRemaining === null)).toBe(true);
    expect(dev.alerts).toEqual([
      expect.objectContaining({
        alertname: SLO_ALERT_NAMES.ticket,
        severity: 'ticket',
        state: 'pending',
      }),
    ]);
    // A configured environment without data.
    expect(staging).toMatchObject({
      sli: null,
      errorRatio: null,
      budgetRemaining: null,
      budgetRemainingMinutes: null,
      timeToExhaustionSeconds: null,
      alerts: [],
    });

    // No bucket at 300ms: no numbers, and a warning saying why.
    expect(latency.thresholdSeconds).toBe(0.3);
    expect(latency.budgetMinutes).toBeCloseTo(432, 9);
    expect(latency.warnings).toEqual([
      'the threshold 300ms is not a bucket boundary of http_request_duration_seconds_bucket',
    ]);
    expect(latency.environments.map(e => e.environment)).toEqual([
      'dev',
      'staging',
      'production',
    ]);
    expect(latency.environments.every(e => e.budgetRemaining === null)).toBe(
      true,
    );
    expect(latency.environments[2].alerts).toEqual([
      expect.objectContaining({
        alertname: SLO_ALERT_NAMES.ticket,
        state: 'firing',
      }),
    ]);

    // Per objective: 7 windows and the period (instant), the history (2 ranges); the latency
    // one also looks for its bucket. All at T.
    const queries = vmselectQueries();
    const instant = queries.filter(r => r.path.endsWith('/api/v1/query'));
    const ranges = queries.filter(r => r.path.endsWith('/api/v1/query_range'));
    expect([instant.length, ranges.length]).toEqual([17, 4]);
    expect(instant.every(r => r.params.time === String(T))).toBe(true);
    expect(
      ranges.every(
        r =>
          r.params.start === String(HISTORY_START) &&
          r.params.end === String(T) &&
          r.params.step === `${STEP}s`,
      ),
    ).toBe(true);
    expect(ranges.map(r => r.params.query)).toContainEqual(
      'sum by (namespace, environment) (rate(http_requests_total{service="checkout",namespace="shop"}[15h]))',
    );
    expect(instant.map(r => r.params.query)).toContainEqual(
      'count by (le) (http_request_duration_seconds_bucket{service="checkout",namespace="shop",le=~"\\\\+Inf|0\\\\.3"})',
    );
  });

  it('reads a latency objective whose threshold is a bucket boundary', async () => {
    const res = await get(await start(), 'search');
    expect(res.status).toBe(200);
    const [latency] = (res.body as EntitySloResponse).objectives;
    expect(latency).toMatchObject({
      slo: 'latency',
      target: 0.99,
      thresholdSeconds: 0.5,
      warnings: [],
    });
    const production = latency.environments.find(
      e => e.environment === 'production',
    )!;
    expect(production.budgetRemaining).toBeCloseTo(0.5, 9);
    expect(production.budgetRemainingMinutes).toBeCloseTo(216, 9);
    expect(production.burnRates[2].burnRate).toBeCloseTo(2, 9);
    // Half of 30 days at twice the sustainable rate: 7.5 days.
    expect(production.timeToExhaustionSeconds).toBeCloseTo(7.5 * DAY, 3);
    expect(production.history[0].budgetRemaining).toBeCloseTo(1 - 0.5 / 48, 9);
    expect(production.history[47].budgetRemaining).toBeCloseTo(0.5, 9);
    // search has no burn-rate alerts (checkout's are not its).
    expect(production.alerts).toEqual([]);
    expect(vmselectQueries()).toHaveLength(11);
  });

  it('keeps a budget per namespace for an entity that names none, each with its own alerts', async () => {
    const res = await get(await start(), 'cart');
    expect(res.status).toBe(200);
    const [availability] = (res.body as EntitySloResponse).objectives;
    const production = availability.environments.filter(
      e => e.environment === 'production',
    );
    expect(production.map(e => e.namespace)).toEqual(['eu', 'shop']);
    const [eu, shopStatus] = production;
    expect(eu.budgetRemaining).toBeCloseTo(0.8, 9);
    expect(shopStatus.budgetRemaining).toBeCloseTo(0.6, 9);
    expect(eu.alerts).toEqual([
      expect.objectContaining({ severity: 'ticket', state: 'firing' }),
    ]);
    expect(shopStatus.alerts).toEqual([]);
  });

  it('answers alerts: null when vmalert does not answer, the numbers still', async () => {
    state.rulesDown = true;
    const res = await get(await start(), 'checkout');
    expect(res.status).toBe(200);
    const [availability] = (res.body as EntitySloResponse).objectives;
    expect(availability.environments.every(e => e.alerts === null)).toBe(true);
    expect(availability.environments[2].budgetRemaining).toBeCloseTo(0.6, 9);
    expect(JSON.stringify(res.body)).not.toContain('vmalert down');
  });

  it('answers 503 when VMSelect fails, without its body', async () => {
    state.failSli = true;
    const res = await get(await start(), 'checkout');
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('VMSelect answered HTTP 503');
    expect(JSON.stringify(res.body)).not.toContain('busy');
    expect(JSON.stringify(res.body)).not.toContain(hub.url);
  });

  it('answers an entity without objectives with none, asking nothing upstream', async () => {
    const res = await get(await start(), 'plain');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      period: '30d',
      periodSeconds: PERIOD,
      evaluatedAt: new Date(T * 1000).toISOString(),
      objectives: [],
      burnRateAlerts: SLO_BURN_RATE_ALERTS,
    });
    expect(hub.requests).toEqual([]);
  });

  it.each([
    ['bad-target', /^monitoring\/slo-availability must be a percentage/],
    ['half', /go together: set both or neither/],
    ['jvm', /the metrics profile "jvm" has no SLI/],
    ['orphan', /has none of/],
  ])(
    'answers 400 for the annotations of %s, before any query',
    async (name, message) => {
      const res = await get(await start(), name);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
      expect(hub.requests).toEqual([]);
    },
  );

  it.each([
    ['?time=yesterday', /^time must be an ISO-8601 time/],
    [`?time=${T + 7200}`, /^time must not be in the future/],
    [`?time=${T - 100 * DAY}`, /before the oldest data the hub keeps/],
    ['?time=1&time=2', /single value/],
  ])('answers 400 for %s, before any query', async (query, message) => {
    const res = await get(await start(), 'checkout', query);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(hub.requests).toEqual([]);
  });

  it('reads at now, on a 15 s grid, without ?time', async () => {
    const before = Date.now() / 1000;
    const res = await get(await start(), 'search', '');
    expect(res.status).toBe(200);
    const evaluated = Date.parse(res.body.evaluatedAt) / 1000;
    expect(evaluated % 15).toBe(0);
    expect(evaluated).toBeGreaterThan(before - 15);
    expect(evaluated).toBeLessThanOrEqual(Date.now() / 1000);
    const instant = vmselectQueries().filter(r =>
      r.path.endsWith('/api/v1/query'),
    );
    expect(instant.every(r => r.params.time === String(evaluated))).toBe(true);
  });

  it('needs a signed-in caller and an entity that exists', async () => {
    const server = await start();
    const anonymous = await request(server).get(
      `/api/monitoring/entity/component/default/checkout/slo?time=${T}`,
    );
    expect(anonymous.status).toBe(401);
    expect((await get(server, 'missing')).status).toBe(404);
    expect(hub.requests).toEqual([]);
  });

  it('answers 403 when the permission is denied, on the entity or on another claimant of its service', async () => {
    const denied = await get(await start(AuthorizeResult.DENY), 'checkout');
    expect(denied.status).toBe(403);
    expect(denied.body.error.name).toBe('NotAllowedError');
    expect(denied.body.error.message).toBe(
      'not allowed to read the SLOs of component:default/checkout',
    );
    const claimed = await get(
      await start((_p, ref) => ref !== 'component:default/impostor'),
      'checkout',
    );
    expect(claimed.status).toBe(403);
    expect(claimed.body.error.message).toMatch(
      /service "checkout" is also owned by 1 other entity you may not read/,
    );
    expect(hub.requests).toEqual([]);
  });

  it("counts against the caller's in-flight limit shared with the other routes", async () => {
    const server = await start(AuthorizeResult.ALLOW, {
      maxRequestsPerPrincipal: 1,
    });
    state.delayMs = 300;
    const [first, second] = await Promise.all([
      get(server, 'search'),
      new Promise(resolve => setTimeout(resolve, 100)).then(() =>
        request(server)
          .get('/api/monitoring/entity/component/default/search/metrics')
          .set('Authorization', mockCredentials.user.header()),
      ),
    ]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(503);
    expect(second.body.error.message).toBe(
      '1 of your requests are still running; try again when they finish',
    );
  });

  it('asks upstream once for concurrent identical requests', async () => {
    const server = await start();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => get(server, 'checkout')),
    );
    expect(results.map(r => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(vmselectQueries()).toHaveLength(21);
  });
});
