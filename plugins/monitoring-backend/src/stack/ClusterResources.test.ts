/** What /stack shows of each cluster's answer; timeouts, concurrency, TLS and logs: ClusterResources.limits.test.ts. */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  ClusterResources,
  SpokeHealth,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import {
  caDataOf,
  FakeKubeAnswer,
  FakeKubeRequest,
  list,
  pluralPath,
  startFakeKubeApi,
} from '../__testUtils__/fakeKubeApi';
import { startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { caDataProblem } from './kubernetesClusters';
import { resourceHealth } from './ClusterResources';

const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

/** An operator resource as the API server lists it. */
function resource(
  name: string,
  opts: {
    namespace?: string;
    generation?: number;
    observedGeneration?: number;
    updateStatus?: string;
    reason?: string;
    createdMsAgo?: number;
    noStatus?: boolean;
  } = {},
) {
  return {
    apiVersion: 'operator.victoriametrics.com/v1beta1',
    metadata: {
      name,
      namespace: opts.namespace ?? 'monitoring',
      uid: `uid-${name}`,
      generation: opts.generation ?? 1,
      creationTimestamp: ago(opts.createdMsAgo ?? DAY),
    },
    spec: {},
    ...(opts.noStatus
      ? {}
      : {
          status: {
            updateStatus: opts.updateStatus,
            reason: opts.reason,
            observedGeneration: opts.observedGeneration ?? opts.generation ?? 1,
          },
        }),
  };
}

/** Answers per plural; every other path (a CRD that is not installed) is a 404. */
const byPlural =
  (answers: Record<string, FakeKubeAnswer>) => (req: FakeKubeRequest) =>
    Object.entries(answers).find(([plural]) =>
      req.path.endsWith(pluralPath(plural)),
    )?.[1];

describe('GET /stack: the VictoriaMetrics resources of each cluster, as the clusters answer', () => {
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  const closing: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    // A hub with no series at all: every cluster's verdict is down, its resources still shown.
    hub = await startFakeVmSelect(req => ({
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: req.path.endsWith('query_range') ? 'matrix' : 'vector',
          result: [],
        },
      }),
    }));
  });
  afterAll(() => hub.close());
  afterEach(async () => {
    await Promise.all(closing.splice(0).map(close => close()));
  });

  async function fake(
    answer: (req: FakeKubeRequest) => FakeKubeAnswer | undefined,
    options: { tls?: boolean } = {},
  ) {
    const api = await startFakeKubeApi(answer, options);
    closing.push(api.close);
    return api;
  }

  async function start(
    clusters: JsonObject[],
    opts: {
      stack?: JsonObject;
      permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      features?: any[];
    } = {},
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: hub.url },
        ...(opts.stack ? { stack: opts.stack } : {}),
      },
      config: {
        kubernetes: {
          serviceLocatorMethod: { type: 'multiTenant' },
          clusterLocatorMethods: [{ type: 'config', clusters }],
        },
      },
      permissions: opts.permission ?? AuthorizeResult.ALLOW,
      features: opts.features,
    });
    return server;
  }

  /** A cluster entry of the Kubernetes plugin's config: the fakes are plain http, hence skipTLSVerify. */
  const entry = (name: string, url: string, extra: JsonObject = {}) => ({
    name,
    url,
    authProvider: 'serviceAccount',
    serviceAccountToken: `token-${name}`,
    skipTLSVerify: true,
    ...extra,
  });

  async function getStack(server: any) {
    const res = await request(server)
      .get('/api/monitoring/stack')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body as StackResponse;
  }

  const kube = (body: StackResponse, cluster: string) =>
    body.clusters.find((c: SpokeHealth) => c.cluster === cluster)
      ?.kubernetes as ClusterResources;

  it("maps each resource's updateStatus, reason, age and generation lag, and skips kinds whose CRD is not installed", async () => {
    const api = await fake(
      byPlural({
        vmclusters: {
          body: list('VMCluster', [
            resource('hub', {
              generation: 4,
              observedGeneration: 4,
              updateStatus: 'operational',
              createdMsAgo: 3 * DAY,
            }),
          ]),
        },
        vmagents: {
          body: list('VMAgent', [
            resource('spoke', { updateStatus: 'expanding' }),
            resource('edge', {
              namespace: 'agents',
              generation: 5,
              observedGeneration: 3,
              updateStatus: 'operational',
            }),
          ]),
        },
        vmalerts: {
          body: list('VMAlert', [
            resource('hub', {
              updateStatus: 'failed',
              reason: 'cannot find datasource url  ',
            }),
          ]),
        },
        vmauths: {
          body: list('VMAuth', [resource('hub', { noStatus: true })]),
        },
        vmalertmanagers: {
          body: list('VMAlertmanager', [
            resource('hub', { updateStatus: 'paused' }),
          ]),
        },
        // vmsingles: not installed (404)
      }),
    );
    const server = await start([entry('kube-cluster', api.url)]);
    const body = await getStack(server);

    // Configured in Kubernetes but without metrics: listed, with its resources.
    const cluster = body.clusters.find(c => c.cluster === 'kube-cluster')!;
    expect(cluster.verdict).toBe('down');
    const resources = cluster.kubernetes!;
    expect(resources.error).toBeUndefined();
    expect(resources.truncated).toBeUndefined();
    expect(
      resources.resources.map(r => [
        r.kind,
        `${r.namespace}/${r.name}`,
        r.updateStatus,
        r.reason,
        r.generationLag,
        r.health,
      ]),
    ).toEqual([
      ['VMCluster', 'monitoring/hub', 'operational', undefined, 0, 'ok'],
      ['VMAgent', 'agents/edge', 'operational', undefined, 2, 'progressing'],
      ['VMAgent', 'monitoring/spoke', 'expanding', undefined, 0, 'progressing'],
      ['VMAuth', 'monitoring/hub', null, undefined, null, 'unknown'],
      [
        'VMAlert',
        'monitoring/hub',
        'failed',
        'cannot find datasource url',
        0,
        'failed',
      ],
      ['VMAlertmanager', 'monitoring/hub', 'paused', undefined, 0, 'unknown'],
    ]);
    const vmcluster = resources.resources[0];
    expect(vmcluster.ageSeconds).toBeGreaterThanOrEqual(3 * 86_400);
    expect(vmcluster.ageSeconds).toBeLessThan(3 * 86_400 + 30);
    expect(Date.parse(vmcluster.createdAt!)).toBeLessThan(
      Date.now() - 3 * DAY + 30_000,
    );

    // One list per plural, cluster-wide, with the portal's token from the Kubernetes config.
    expect(api.requests.map(r => r.path).sort()).toEqual(
      [
        'vmagents',
        'vmalertmanagers',
        'vmalerts',
        'vmauths',
        'vmclusters',
        'vmsingles',
      ].map(pluralPath),
    );
    expect(
      api.requests.every(r => r.authorization === 'Bearer token-kube-cluster'),
    ).toBe(true);
    expect(api.requests[0].query.get('limit')).toBe('500');
  });

  it('says so when a kind has more resources than one list holds', async () => {
    const api = await fake(
      byPlural({
        vmagents: {
          body: list('VMAgent', [resource('a')], 'next-page-token'),
        },
      }),
    );
    const body = await getStack(await start([entry('big', api.url)]));
    expect(kube(body, 'big')).toMatchObject({
      truncated: true,
      resources: [expect.objectContaining({ name: 'a' })],
    });
  });

  it("reports a 403 or 401 as the cluster's short error, without the API's body or address", async () => {
    const refusal = (code: number) => () => ({
      status: code,
      body: {
        kind: 'Status',
        status: 'Failure',
        message:
          'vmagents.operator.victoriametrics.com is forbidden: User "system:serviceaccount:backstage:portal-canary" cannot list resource',
        reason: code === 403 ? 'Forbidden' : 'Unauthorized',
        code,
      },
    });
    const forbidden = await fake(refusal(403));
    const unauthorized = await fake(refusal(401));
    const body = await getStack(
      await start([
        entry('forbidden', forbidden.url),
        entry('unauthorized', unauthorized.url),
      ]),
    );
    expect(kube(body, 'forbidden')).toEqual({
      readAt: expect.any(String),
      resources: [],
      error:
        "forbidden (403): the portal's token may not list the operator's resources",
    });
    expect(kube(body, 'unauthorized').error).toBe(
      'the cluster refused the token (401)',
    );
    const text = JSON.stringify(body);
    expect(text).not.toMatch(
      /canary|system:serviceaccount|127\.0\.0\.1|token-/,
    );
  });

  it('keeps the kinds it could read when another kind is refused', async () => {
    const api = await fake(
      byPlural({
        vmagents: { body: list('VMAgent', [resource('spoke')]) },
        vmclusters: { status: 403, body: { message: 'nope' } },
      }),
    );
    const body = await getStack(await start([entry('partial', api.url)]));
    expect(kube(body, 'partial')).toMatchObject({
      error: expect.stringMatching(/^forbidden \(403\)/),
      resources: [expect.objectContaining({ kind: 'VMAgent' })],
    });
  });

  it('reports a caData that is not a base64 PEM for that cluster, logs it at start-up, and still reads the others', async () => {
    const api = await fake(() => undefined); // no CRD at all: no resources, no error
    const logger = mockServices.logger.mock();
    const body = await getStack(
      await start(
        [
          entry('garbled', api.url, { caData: 'not base64 at all!' }),
          entry('not-pem', api.url, {
            caData: Buffer.from('hello').toString('base64'),
          }),
          entry('fine', api.url),
        ],
        { features: [logger.factory] },
      ),
    );
    const message = 'not read: caData is not a base64-encoded PEM certificate';
    expect(kube(body, 'garbled').error).toBe(message);
    expect(kube(body, 'not-pem').error).toBe(message);
    expect(kube(body, 'fine')).toEqual({
      readAt: expect.any(String),
      resources: [],
    });
    // Only the usable cluster was asked (once per plural).
    expect(api.requests).toHaveLength(6);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'cluster garbled of kubernetes.clusterLocatorMethods: caData is not a base64-encoded PEM certificate',
      ),
    );
  });

  it('reads nothing for callers without monitoring.stack.read', async () => {
    const api = await fake(() => undefined);
    const server = await start([entry('denied', api.url)], {
      permission: AuthorizeResult.DENY,
    });
    const res = await request(server)
      .get('/api/monitoring/stack')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses a kubernetesTimeout outside the duration grammar at start-up', async () => {
    await expect(
      start([], { stack: { kubernetesTimeout: 'soon' } }),
    ).rejects.toThrow(/monitoring\.stack\.kubernetesTimeout/);
  });
});

describe('the readiness helpers', () => {
  it('grade failed, expanding or lagging, operational, and the rest', () => {
    expect(resourceHealth('failed', 3)).toBe('failed');
    expect(resourceHealth('expanding', 0)).toBe('progressing');
    expect(resourceHealth('operational', 1)).toBe('progressing');
    expect(resourceHealth('operational', 0)).toBe('ok');
    expect(resourceHealth('operational', null)).toBe('ok');
    expect(resourceHealth('paused', 0)).toBe('unknown');
    expect(resourceHealth(null, null)).toBe('unknown');
  });

  it('check caData as a base64 PEM bundle', () => {
    expect(caDataProblem(caDataOf('ca.pem'))).toBeUndefined();
    expect(
      caDataProblem(
        Buffer.from(
          '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
        ).toString('base64'),
      ),
    ).toMatch(/does not parse/);
    expect(caDataProblem('%%%')).toMatch(/not a base64-encoded PEM/);
  });
});
