import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  StackResponse,
  stackQueries,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { formatAge } from '../lib/formatAge';
import { spokeVerdict } from './StackService';

const Q = stackQueries();
const NOW = () => Date.now() / 1000;

/** Per query, the value per cluster; `lastSample` as an age in seconds. */
interface HubState {
  ages: Record<string, number>;
  queue: Record<string, number>;
  errors: Record<string, number>;
  dropped: Record<string, number>;
  up: Array<{ component: string; instance: string; value: number }>;
  status?: number;
}

function stackHub(state: HubState) {
  return (req: FakeRequest) => {
    if (state.status)
      return {
        status: state.status,
        body: 'vmselect at http://10.0.0.7:8481 is overloaded',
      };
    const q = req.params.query ?? '';
    const vector = (values: Record<string, number>) =>
      Object.entries(values).map(([cluster, v]) => ({
        metric: { cluster, environment: `${cluster}-env` },
        value: [NOW(), String(v)],
      }));
    if (req.path.endsWith('query_range')) {
      const start = Number(req.params.start);
      const result = Object.keys(state.ages).map(cluster => ({
        metric: { cluster },
        values: [
          [start, '5'],
          [start + 60, '7'],
        ],
      }));
      return {
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result },
        }),
      };
    }
    let result: unknown[] = [];
    if (q === Q.lastSample)
      result = vector(
        Object.fromEntries(
          Object.entries(state.ages).map(([c, age]) => [c, NOW() - age]),
        ),
      );
    else if (q === Q.queueBytes) result = vector(state.queue);
    else if (q === Q.remoteWriteErrors) result = vector(state.errors);
    else if (q === Q.droppedSamples) result = vector(state.dropped);
    else if (q === Q.samplesPerSecond)
      result = vector(
        Object.fromEntries(Object.keys(state.ages).map(c => [c, 120])),
      );
    else if (q === Q.activeSeries)
      result = vector(
        Object.fromEntries(Object.keys(state.ages).map(c => [c, 1900])),
      );
    else if (q === Q.componentsUp) {
      result = state.up.map(u => ({
        metric: {
          cluster: 'hub-cluster',
          hub_component: u.component,
          instance: u.instance,
        },
        value: [NOW(), String(u.value)],
      }));
    }
    return {
      body: JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result },
      }),
    };
  };
}

describe('GET /stack', () => {
  const state: HubState = {
    ages: {},
    queue: {},
    errors: {},
    dropped: {},
    up: [],
  };
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  beforeAll(async () => {
    hub = await startFakeVmSelect(req => stackHub(state)(req));
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
    Object.assign(state, {
      ages: { 'dev-cluster': 10, 'prod-cluster': 10, 'hub-cluster': 8 },
      queue: { 'dev-cluster': 0, 'prod-cluster': 0 },
      errors: {},
      dropped: {},
      up: [
        { component: 'vmalert', instance: 'a', value: 1 },
        { component: 'vmalert', instance: 'b', value: 0 },
        { component: 'vminsert', instance: 'a', value: 1 },
      ],
      status: undefined,
    });
  });

  async function start(
    opts: {
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      clusters?: string[];
    } = {},
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: hub.url },
        stack: { laggingAfter: '1m', downAfter: '5m' },
      },
      config: {
        kubernetes: {
          clusterLocatorMethods: [
            {
              type: 'config',
              clusters: (opts.clusters ?? []).map(name => ({
                name,
                url: 'https://k8s.example',
              })),
            },
          ],
        },
      },
      permissions: opts.permission ?? AuthorizeResult.ALLOW,
    });
    return server;
  }

  const get = (server: any, path = '/api/monitoring/stack') =>
    request(server)
      .get(path)
      .set('Authorization', mockCredentials.user.header());

  it('gives each cluster a verdict from its own series, worst first, and the hub components', async () => {
    state.ages['staging-cluster'] = 90; // past laggingAfter (1m)
    state.ages['qa-cluster'] = 400; // past downAfter (5m)
    state.queue['prod-cluster'] = 4096;
    state.errors['prod-cluster'] = 3;
    const server = await start({ clusters: ['dev-cluster', 'never-cluster'] });
    const res = await get(server);
    expect(res.status).toBe(200);
    const body: StackResponse = res.body;
    const verdicts = Object.fromEntries(
      body.clusters.map(c => [c.cluster, [c.verdict, c.reason]]),
    );
    expect(verdicts).toEqual({
      'never-cluster': ['down', 'no sample in the last day'],
      'qa-cluster': ['down', expect.stringMatching(/^no sample for 6m 4\ds$/)],
      'prod-cluster': [
        'lagging',
        'remote write failing, samples queued on disk',
      ],
      'staging-cluster': [
        'lagging',
        expect.stringMatching(/^newest sample 1m 3\ds old$/),
      ],
      'dev-cluster': ['ok', undefined],
      'hub-cluster': ['ok', undefined],
    });
    expect(body.clusters.map(c => c.verdict)).toEqual([
      'down',
      'down',
      'lagging',
      'lagging',
      'ok',
      'ok',
    ]);
    const dev = body.clusters.find(c => c.cluster === 'dev-cluster')!;
    expect(dev).toMatchObject({
      environment: 'dev-cluster-env',
      hub: false,
      samplesPerSecond: 120,
      activeSeries: 1900,
      queueBytes: 0,
    });
    expect(dev.lagSeconds).toBeGreaterThan(9);
    expect(dev.lagSeconds).toBeLessThan(15);
    expect(dev.samplesTrend).toHaveLength(60);
    expect(dev.samplesTrend.slice(0, 2)).toEqual([5, 7]);
    expect(body.clusters.find(c => c.cluster === 'hub-cluster')!.hub).toBe(
      true,
    );
    const components = Object.fromEntries(
      body.components.map(c => [
        c.component,
        `${c.status} ${c.up}/${c.instances}`,
      ]),
    );
    expect(components).toEqual({
      vminsert: 'up 1/1',
      vmselect: 'down 0/0',
      vmstorage: 'down 0/0',
      vmauth: 'down 0/0',
      vmalert: 'degraded 1/2',
      vmalertmanager: 'down 0/0',
    });
    expect(body.thresholds).toEqual({
      laggingAfterSeconds: 60,
      downAfterSeconds: 300,
    });
  });

  it('sends a fixed set of queries, shared by concurrent callers', async () => {
    const server = await start();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => get(server)),
    );
    expect(answers.every(a => a.status === 200)).toBe(true);
    expect(hub.requests).toHaveLength(9);
    await get(server);
    expect(hub.requests).toHaveLength(9);
  });

  it('refuses callers without monitoring.stack.read, before any query', async () => {
    const server = await start({ permission: AuthorizeResult.DENY });
    const res = await get(server);
    expect(res.status).toBe(403);
    expect(hub.requests).toHaveLength(0);
  });

  it('needs credentials, and takes no parameters', async () => {
    const server = await start();
    expect((await request(server).get('/api/monitoring/stack')).status).toBe(
      401,
    );
    const res = await get(server, '/api/monitoring/stack?cluster=dev-cluster');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('cluster');
    expect(hub.requests).toHaveLength(0);
  });

  it('answers 503 without the upstream address when VMSelect fails', async () => {
    state.status = 500;
    const server = await start();
    const res = await get(server);
    expect(res.status).toBe(503);
    expect(JSON.stringify(res.body)).not.toMatch(
      /10\.0\.0\.7|127\.0\.0\.1|overloaded/,
    );
  });
});

describe('spokeVerdict', () => {
  const t = { laggingAfterSeconds: 120, downAfterSeconds: 600 };
  const ok = {
    lagSeconds: 20,
    queueBytes: 0,
    droppedSamples: 0,
    remoteWriteErrors: 0,
  };
  it('grades lag, drops and failing remote writes', () => {
    expect(spokeVerdict(ok, t)).toEqual({ verdict: 'ok' });
    expect(spokeVerdict({ ...ok, lagSeconds: 120 }, t).verdict).toBe('lagging');
    expect(spokeVerdict({ ...ok, lagSeconds: 600 }, t).verdict).toBe('down');
    expect(spokeVerdict({ ...ok, droppedSamples: 12 }, t)).toEqual({
      verdict: 'lagging',
      reason: '12 samples or blocks dropped in 15m',
    });
    // Errors the queue absorbed and recovered from are no verdict; errors with a queue are.
    expect(spokeVerdict({ ...ok, remoteWriteErrors: 4 }, t).verdict).toBe('ok');
    expect(
      spokeVerdict({ ...ok, remoteWriteErrors: 4, queueBytes: 10 }, t).verdict,
    ).toBe('lagging');
  });
  it('formats ages as a person reads them', () => {
    expect([
      formatAge(45),
      formatAge(60),
      formatAge(190),
      formatAge(7500),
    ]).toEqual(['45s', '1m', '3m 10s', '2h 5m']);
  });
});
