/** How /stack reaches the clusters: the deadline, the concurrency bound, shared reads, TLS, and what a failure logs. */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import {
  ClusterResources,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import http from 'node:http';
import { AddressInfo } from 'node:net';
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
import { describeFailure, sanitisedCause } from './ClusterResources';

const agents = (...names: string[]) =>
  list(
    'VMAgent',
    names.map(name => ({
      metadata: { name, namespace: 'monitoring', generation: 1 },
      status: { updateStatus: 'operational', observedGeneration: 1 },
    })),
  );

/**
 * A fake Kubernetes API that holds every request until `release()` (then answers all, and the
 * later ones at once, with an empty list). Clusters are served under their own path prefix.
 */
async function startGatedKubeApi() {
  const held: Array<() => void> = [];
  const asked = new Set<string>();
  const inFlight = new Map<string, number>();
  let mostInFlight = 0;
  let open = false;
  let onRequest = () => {};
  const server = http.createServer((req, res) => {
    const prefix = new URL(req.url ?? '/', 'http://x').pathname.split('/')[1];
    asked.add(prefix);
    inFlight.set(prefix, (inFlight.get(prefix) ?? 0) + 1);
    mostInFlight = Math.max(mostInFlight, inFlight.size);
    const answer = () => {
      const left = inFlight.get(prefix)! - 1;
      if (left) inFlight.set(prefix, left);
      else inFlight.delete(prefix);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(list('VMAgent', [])));
    };
    if (open) answer();
    else held.push(answer);
    onRequest();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** The prefixes (clusters) that were asked anything. */
    asked,
    /** The most prefixes with requests held or being answered at once. */
    mostInFlight: () => mostInFlight,
    /** Resolves once `count` requests are held. */
    holding: (count: number) =>
      new Promise<void>(resolve => {
        onRequest = () => {
          if (held.length >= count) resolve();
        };
        onRequest();
      }),
    release: () => {
      open = true;
      held.splice(0).forEach(answer => answer());
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('GET /stack: reaching the clusters', () => {
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  const closing: Array<() => Promise<void>> = [];

  beforeAll(async () => {
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

  async function gated() {
    const api = await startGatedKubeApi();
    closing.push(api.close);
    return api;
  }

  async function start(
    clusters: JsonObject[],
    opts: { stack?: JsonObject; features?: any[] } = {},
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
    body.clusters.find(c => c.cluster === cluster)
      ?.kubernetes as ClusterResources;

  it('answers clusters that do not answer as errors, the ones queued behind them included, beside one that does', async () => {
    const fast = await fake(req =>
      req.path.endsWith(pluralPath('vmagents'))
        ? { body: agents('spoke') }
        : undefined,
    );
    const slow = await gated(); // never released
    const slowNames = Array.from({ length: 9 }, (_, i) => `slow-${i}`);
    const body = await getStack(
      await start(
        [
          entry('fast-cluster', fast.url),
          ...slowNames.map(n => entry(n, `${slow.url}/${n}`)),
        ],
        { stack: { kubernetesTimeout: '1s' } },
      ),
    );
    expect(kube(body, 'fast-cluster').error).toBeUndefined();
    expect(kube(body, 'fast-cluster').resources.map(r => r.name)).toEqual([
      'spoke',
    ]);
    for (const name of slowNames) {
      expect(kube(body, name)).toEqual({
        readAt: expect.any(String),
        resources: [],
        error: 'no answer within 1s',
      });
    }
    // The deadline counts from the request's start: the five clusters still queued behind the
    // four held ones when it passed were never asked (with a deadline per read, they would be).
    expect(slow.asked.size).toBe(4);
  });

  it('reads at most 4 clusters at once', async () => {
    const api = await gated();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const answered = start(
      names.map(n => entry(n, `${api.url}/${n}`)),
      {
        stack: { kubernetesTimeout: '1m' },
      },
    ).then(getStack);
    // Four clusters' six lists are held: no fifth cluster is asked meanwhile.
    await api.holding(4 * 6);
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(api.asked.size).toBe(4);
    api.release();
    const body = await answered;
    expect(names.map(n => kube(body, n).error)).toEqual(
      names.map(() => undefined),
    );
    expect(api.asked.size).toBe(names.length);
    expect(api.mostInFlight()).toBe(4);
  });

  it('shares one read per cluster between callers for a few seconds', async () => {
    const api = await fake(req =>
      req.path.endsWith(pluralPath('vmagents'))
        ? { delayMs: 100, body: agents() }
        : undefined,
    );
    const server = await start([entry('shared', api.url)]);
    await Promise.all(Array.from({ length: 5 }, () => getStack(server)));
    await getStack(server);
    expect(api.requests).toHaveLength(6);
  });

  it('verifies TLS with caData, never skips verification unless the entry says so, and logs a failure without its URL', async () => {
    const api = await fake(
      req =>
        req.path.endsWith(pluralPath('vmagents'))
          ? { body: agents('spoke') }
          : undefined,
      { tls: true },
    );
    const closed = await startGatedKubeApi();
    await closed.close(); // nothing listens there any more
    const logger = mockServices.logger.mock();
    const tls = (name: string, extra: JsonObject) => {
      const { skipTLSVerify: _, ...verified } = entry(name, api.url);
      return { ...verified, ...extra };
    };
    const body = await getStack(
      await start(
        [
          tls('right-ca', { caData: caDataOf('ca.pem') }),
          tls('wrong-ca', { caData: caDataOf('other-ca.pem') }),
          tls('no-ca', {}),
          tls('skipped', { skipTLSVerify: true }),
          entry('refused', `${closed.url}/refused`),
        ],
        { features: [logger.factory] },
      ),
    );
    expect(kube(body, 'right-ca').error).toBeUndefined();
    expect(kube(body, 'right-ca').resources).toHaveLength(1);
    expect(kube(body, 'wrong-ca').error).toBe(
      'TLS verification of the API server failed',
    );
    expect(kube(body, 'no-ca').error).toBe(
      'TLS verification of the API server failed',
    );
    expect(kube(body, 'skipped').resources).toHaveLength(1);
    expect(kube(body, 'refused').error).toBe('cannot reach the Kubernetes API');

    // The log keeps the reason and the code, never the request's URL or the API's address.
    const logged = logger.warn.mock.calls.filter(([message]) =>
      String(message).includes('could not read the VictoriaMetrics resources'),
    );
    expect(logged).toEqual(
      expect.arrayContaining([
        [
          expect.stringMatching(/cluster refused: cannot reach/),
          {
            cause: 'connect ECONNREFUSED <address>',
            code: 'ECONNREFUSED',
          },
        ],
        [
          expect.stringMatching(/cluster wrong-ca: TLS verification/),
          expect.objectContaining({ cause: expect.any(String) }),
        ],
      ]),
    );
    expect(JSON.stringify(logged)).not.toMatch(
      /:\/\/|127\.0\.0\.1|\/apis|limit=|request to/,
    );
  });
});

describe('the failure helpers', () => {
  it('describe network failures without their message', () => {
    const refused = Object.assign(
      new Error(
        'request to https://10.1.2.3:6443/apis failed, reason: connect ECONNREFUSED',
      ),
      { code: 'ECONNREFUSED' },
    );
    expect(describeFailure(refused, 5000)).toBe(
      'cannot reach the Kubernetes API',
    );
    expect(describeFailure(new Error('boom http://10.1.2.3'), 5000)).toBe(
      'cannot read the cluster',
    );
  });

  it("keep of node-fetch's message only the reason, without URLs or addresses, and the code", () => {
    const fetchError = (reason: string, code?: string) =>
      Object.assign(
        new Error(
          `request to https://api.internal:6443/apis/operator.victoriametrics.com/v1beta1/vmagents?limit=500 failed, reason: ${reason}`,
        ),
        code ? { code } : {},
      );
    expect(
      sanitisedCause(
        fetchError('connect ECONNREFUSED 10.1.2.3:6443', 'ECONNREFUSED'),
      ),
    ).toEqual({
      cause: 'connect ECONNREFUSED <address>',
      code: 'ECONNREFUSED',
    });
    expect(
      sanitisedCause(
        fetchError('getaddrinfo ENOTFOUND api.internal', 'ENOTFOUND'),
      ),
    ).toEqual({ cause: 'getaddrinfo ENOTFOUND <host>', code: 'ENOTFOUND' });
    expect(sanitisedCause(fetchError('connect ECONNREFUSED ::1:6443'))).toEqual(
      { cause: 'connect ECONNREFUSED <address>' },
    );
    expect(
      sanitisedCause(new Error('redirected to http://10.1.2.3/x?token=1')),
    ).toEqual({ cause: 'redirected to <url>' });
    expect(
      sanitisedCause(
        fetchError(
          'self-signed certificate in certificate chain',
          'SELF_SIGNED_CERT_IN_CHAIN',
        ),
      ),
    ).toEqual({
      cause: 'self-signed certificate in certificate chain',
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
  });
});
