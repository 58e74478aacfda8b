import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import { matrix, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

const entities = [
  component('checkout', {
    'backstage.io/kubernetes-id': 'checkout',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
  component('sneaky', {
    'backstage.io/kubernetes-id': 'checkout"} or vector(1) #',
  }),
  component('bare', {}),
  component('long', { 'backstage.io/kubernetes-id': 'x'.repeat(2000) }),
  component('proto', {
    'backstage.io/kubernetes-id': 'checkout',
    'monitoring/metrics-profile': 'constructor',
  }),
];

describe('metrics router', () => {
  let fake: Awaited<ReturnType<typeof startFakeVmSelect>>;
  let failPanels: RegExp | undefined;
  beforeAll(async () => {
    fake = await startFakeVmSelect(req => {
      if (failPanels?.test(req.params.query))
        return { status: 503, body: 'down' };
      const rangeStart = Number(req.params.start);
      return {
        body: matrix([
          {
            environment: 'production',
            values: [
              [rangeStart, '0.2'],
              [rangeStart + 15, '0.25'],
            ],
          },
          { environment: 'dev', values: [[rangeStart, '1']] },
          { environment: 'qa', values: [[rangeStart, '3']] },
        ]),
      };
    });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    failPanels = undefined;
  });

  async function start(
    permission:
      AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: {
          url: `${fake.url}/prometheus`,
          auth: { username: 'portal', password: 'pw' },
        },
        environments: ['dev', 'staging', 'production'],
        // The ranges below are of January; the default retention (15d) would refuse them.
        retention: '730d',
      },
      permissions: permission,
      entities,
    });
    return server;
  }

  const url = (name: string, query = '') =>
    `/api/monitoring/entity/component/default/${name}/metrics${query}`;

  it('answers every panel per environment in one response', async () => {
    const server = await start();
    const res = await request(server)
      .get(
        url('checkout', '?from=2026-01-15T08:00:00Z&to=2026-01-15T09:00:00Z'),
      )
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: 'component:default/checkout',
      service: 'checkout',
      profile: 'http',
      stepSeconds: 15,
      from: '2026-01-15T08:00:00.000Z',
      to: '2026-01-15T09:00:00.000Z',
      environments: ['dev', 'staging', 'production', 'qa'],
    });
    expect(res.body.panels.map((p: any) => p.id)).toEqual([
      'requestRate',
      'errorRatio',
      'latencyP50',
      'latencyP95',
      'latencyP99',
      'cpu',
      'memory',
    ]);
    const errorRatio = res.body.panels[1];
    // Ordered as configured, unknown environments last.
    expect(errorRatio.series.map((s: any) => s.environment)).toEqual([
      'dev',
      'production',
      'qa',
    ]);
    const t0 = Date.parse('2026-01-15T08:00:00Z');
    expect(errorRatio.series[1]).toEqual({
      environment: 'production',
      points: [
        [t0, 0.2],
        [t0 + 15000, 0.25],
      ],
      latest: 0.25,
    });
    expect(fake.requests).toHaveLength(7);
    expect(
      fake.requests.every(r => r.path === '/prometheus/api/v1/query_range'),
    ).toBe(true);
    expect(
      fake.requests.find(r => r.params.query.includes('http_requests_total'))!
        .params.query,
    ).toContain('{service="checkout",namespace="shop"}');
    // The join's left side is narrowed to the entity's namespace, not every container anywhere.
    expect(
      fake.requests.find(r =>
        r.params.query.includes('container_cpu_usage_seconds_total'),
      )!.params.query,
    ).toContain(
      'container_cpu_usage_seconds_total{container!="",container!="POD",namespace="shop"}',
    );
  });

  it('keeps an injected annotation inside one label value', async () => {
    const server = await start();
    const res = await request(server)
      .get(url('sneaky'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const q = fake.requests[0].params.query;
    expect(q).toBe(
      'sum by (environment) (rate(http_requests_total{service="checkout\\"} or vector(1) #"}[120s]))',
    );
  });

  it('returns a partial result when some panels fail', async () => {
    failPanels = /container_/;
    const server = await start();
    const res = await request(server)
      .get(url('checkout'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    const byId = Object.fromEntries(res.body.panels.map((p: any) => [p.id, p]));
    expect(byId.cpu.error).toBe('VMSelect answered HTTP 503');
    expect(byId.memory.error).toBe('VMSelect answered HTTP 503');
    expect(byId.requestRate.error).toBeUndefined();
    expect(byId.requestRate.series).toHaveLength(3);
  });

  it('answers 503 when every panel fails, without the upstream body', async () => {
    failPanels = /./;
    const server = await start();
    const res = await request(server)
      .get(url('checkout'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(503);
    expect(res.body.error.message).toBe('VMSelect answered HTTP 503');
    expect(JSON.stringify(res.body)).not.toContain('down');
  });

  it('requires credentials', async () => {
    const server = await start();
    const res = await request(server).get(url('checkout'));
    expect(res.status).toBe(401);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 403 when the permission is denied', async () => {
    const server = await start(AuthorizeResult.DENY);
    const res = await request(server)
      .get(url('checkout'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(res.body.error.name).toBe('NotAllowedError');
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown entity', async () => {
    const server = await start();
    const res = await request(server)
      .get(url('nope'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(404);
  });

  it.each([
    ['?from=yesterday', /from must be/],
    ['?from=1800000000&to=1700000000', /from must be before to/],
    ['?step=soon', /step must be/],
  ])('answers 400 for %s', async (query, message) => {
    const server = await start();
    const res = await request(server)
      .get(url('checkout', query))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(fake.requests).toHaveLength(0);
  });

  it('answers 400, before any query, for the bad annotations of long', async () => {
    const server = await start();
    for (const path of ['metrics', 'alerts', 'alerts/history']) {
      const res = await request(server)
        .get(`/api/monitoring/entity/component/default/long/${path}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(/longer than 1024 characters/);
    }
    expect(fake.requests).toEqual([]);
  });

  it('answers 400 for the bad annotations of proto, on metrics only', async () => {
    const server = await start();
    const metrics = await request(server)
      .get('/api/monitoring/entity/component/default/proto/metrics')
      .set('Authorization', mockCredentials.user.header());
    expect(metrics.status).toBe(400);
    expect(metrics.body.error.message).toMatch(
      /unknown metrics profile "constructor"/,
    );
    // Profiles do not concern alerts.
    for (const path of ['alerts', 'alerts/history']) {
      const res = await request(server)
        .get(`/api/monitoring/entity/component/default/proto/${path}`)
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).not.toBe(500);
    }
  });

  it('clamps a `to` in the future to now, and refuses one no date can hold', async () => {
    const server = await start();
    const future = await request(server)
      .get(
        url('checkout', '?to=2999-01-01T00:00:00Z&from=2998-12-31T23:00:00Z'),
      )
      .set('Authorization', mockCredentials.user.header());
    // Clamped to now, the range would start after it ends.
    expect(future.status).toBe(400);
    expect(future.body.error.message).toBe('from must be before to');
    const huge = await request(server)
      .get(url('checkout', `?to=${'9'.repeat(30)}`))
      .set('Authorization', mockCredentials.user.header());
    expect(huge.status).toBe(400);
    expect(huge.body.error.message).toMatch(/^to must be an ISO-8601 time/);
    const later = await request(server)
      .get(
        url('checkout', '?to=2999-01-01T00:00:00Z&from=2020-01-01T00:00:00Z'),
      )
      .set('Authorization', mockCredentials.user.header());
    expect(later.status).toBe(400); // more than 31 days once clamped
    expect(fake.requests).toEqual([]);
  });

  it('answers 400 for an entity without monitoring annotations', async () => {
    const server = await start();
    const res = await request(server)
      .get(url('bare'))
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/has none of/);
  });

  it('asks upstream once for concurrent identical requests', async () => {
    const server = await start();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(server)
          .get(url('checkout', '?from=1760000000&to=1760003600'))
          .set('Authorization', mockCredentials.user.header()),
      ),
    );
    expect(results.every(r => r.status === 200)).toBe(true);
    expect(fake.requests).toHaveLength(7);
  });
});
