/**
 * `monitoring:apply` when a real cluster refuses: the operator's CRDs not installed, a token it
 * does not accept, a ResourceQuota refusing an object half way (a re-run converges; a retried
 * task resumes from its checkpoints), a cluster that is down. Errors name the object and the
 * cause, never a response body or a token.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  hubProvided,
  removeNodeExporters,
  renderHub,
} from '../__testUtils__/apply';
import { testAuthorization } from '../__testUtils__/authorization';
import { createApplyAction } from './apply';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

const allowAll = testAuthorization().authorization;
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('monitoring:apply when the cluster refuses', () => {
  const mockDir = createMockDirectory();
  const workspace = mockDir.resolve('workspace');
  let infra: TestKubeCluster;
  /** A cluster without the VictoriaMetrics operator's CRDs. */
  let bare: TestKubeCluster;
  let bareStopped = false;

  beforeAll(async () => {
    [infra, bare] = await Promise.all([
      startTestKubeCluster({
        name: 'infra',
        applyNamespaces: ['monitoring', 'retry'],
      }),
      startTestKubeCluster({ name: 'bare', operatorCrds: false }),
    ]);
    await renderHub(workspace, 'bare-hub', {}, 'bare');
  });
  afterAll(() =>
    Promise.all([infra?.stop(), bareStopped ? undefined : bare?.stop()]),
  );

  const action = (token?: (c: TestKubeCluster) => string) =>
    createApplyAction({
      authorization: allowAll,
      config: configFor(
        { infra, bare },
        { token, allowedNamespaces: ['monitoring', 'retry'] },
      ),
      pollInterval: fast,
    });
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: Error) => e,
    );

  /** The namespace, with a ResourceQuota admitting one Deployment, its status computed. */
  async function oneDeploymentOnly(namespace: string) {
    await infra.admin.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: namespace },
    });
    await infra.admin.apply({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'one-deployment', namespace },
      spec: { hard: { 'count/deployments.apps': '1' } },
    });
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', namespace };
    for (let i = 0; i < 100; i++) {
      const q = await infra.admin.read({ ...quota, name: 'one-deployment' });
      if (q?.status?.hard) return;
      await sleep(100);
    }
    throw new Error('the quota controller did not compute the quota');
  }
  const dropQuota = (namespace: string) =>
    infra.admin.objects.delete({
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'one-deployment', namespace },
    });

  it('gives a clear NotFoundError when the operator CRDs are not installed, applying nothing', async () => {
    const audit = auditFrom(bare);
    const err = await outcome(
      action().handler(
        mockContext(workspace, {
          path: 'bare-hub',
          cluster: 'bare',
          secretValues: hubProvided(),
        }).ctx,
      ),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err?.message).toMatch(
      /^the VictoriaMetrics operator CRDs are not installed in cluster bare \(operator.victoriametrics.com\/v1beta1 VM\w+ is not served; needed for VM\w+\/monitoring\/hub\S*\)$/,
    );
    expect(await audit.applies()).toEqual([]);
    expect(
      await bare.admin.read({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'monitoring',
      }),
    ).toBeUndefined();
  });

  it('says so when the API server does not accept the token, without echoing it', async () => {
    const err = await outcome(
      action(() => 'not-a-token-of-this-cluster').handler(
        mockContext(workspace, {
          path: 'bare-hub',
          cluster: 'bare',
          secretValues: hubProvided(),
        }).ctx,
      ),
    );
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err?.message).toMatch(
      /^reading Secret\/monitoring\/hub-\S+ in cluster bare: the API server did not accept the token of monitoring.apply.clusters for cluster bare \(Unauthorized\)$/,
    );
    expect(`${err?.message}${err?.stack}`).not.toContain('not-a-token');
  });

  it('converges on a re-run after a ResourceQuota refused an object half way', async () => {
    await renderHub(workspace);
    await oneDeploymentOnly('monitoring');
    const audit = auditFrom(infra);
    const input = {
      path: 'hub',
      cluster: 'infra',
      secretValues: hubProvided(),
    };
    const err = await outcome(
      action().handler(mockContext(workspace, input).ctx),
    );
    // The server dry-run admitted each Deployment on its own; applying the second, it refused.
    expect(err).toBeInstanceOf(NotAllowedError);
    expect(err?.message).toBe(
      'applying Deployment/monitoring/hub-grafana in cluster infra: refused by ResourceQuota one-deployment of namespace monitoring (Forbidden)',
    );
    const applies = await audit.applies();
    expect(applies.at(-1)).toMatchObject({
      objectRef: { resource: 'deployments', name: 'hub-grafana' },
      responseStatus: { code: 403 },
    });

    await dropQuota('monitoring');
    const again = mockContext(workspace, input);
    await action().handler(again.ctx);
    const results = again.outputs.applied.map((a: any) => a.result);
    const refused = again.outputs.applied.findIndex(
      (a: any) => a.object === 'Deployment/monitoring/hub-grafana',
    );
    expect(applies).toHaveLength(refused + 1);
    expect(results.slice(0, refused)).toEqual(Array(refused).fill('unchanged'));
    expect(results.slice(refused)).toEqual(
      Array(results.length - refused).fill('created'),
    );
    expect(again.logged).toContain('All objects are ready in cluster infra');
  });

  it('resumes from its checkpoints when the task is retried: applied objects are not applied again', async () => {
    // The first test's hub holds the nodes' host ports with its node-exporter.
    await removeNodeExporters(infra);
    await renderHub(workspace, 'retry', { namespace: 'retry' });
    await oneDeploymentOnly('retry');
    // The scaffolder keeps each checkpoint's result in the task's state and, on a retry, returns
    // it instead of running the step's function again.
    const state = new Map<string, unknown>();
    const withState = () => {
      const m = mockContext(workspace, {
        path: 'retry',
        cluster: 'infra',
        secretValues: hubProvided('retry'),
      });
      m.ctx.checkpoint = (async ({
        key,
        fn,
      }: {
        key: string;
        fn: () => Promise<unknown>;
      }) => {
        if (state.has(key)) return state.get(key);
        const value = await fn();
        state.set(key, value);
        return value;
      }) as any;
      return m;
    };
    const audit = auditFrom(infra);
    expect(await outcome(action().handler(withState().ctx))).toBeInstanceOf(
      NotAllowedError,
    );
    const done = state.size;
    expect(done).toBe((await audit.applies()).length - 1);

    await dropQuota('retry');
    audit.reset();
    const retry = withState();
    await action().handler(retry.ctx);
    // Only the objects without a checkpoint were applied; the others report their first result.
    const total = retry.outputs.applied.length;
    expect(await audit.applies()).toHaveLength(total - done);
    expect(retry.outputs.applied.map((a: any) => a.result)).toEqual([
      'configured', // the Namespace, made by the admin with the quota
      ...Array(total - 1).fill('created'),
    ]);
    expect(state.size).toBe(total);
  });

  it('names the cluster and the connection error, nothing more, when the cluster is down', async () => {
    await bare.stop();
    bareStopped = true;
    const err = await outcome(
      action().handler(
        mockContext(workspace, {
          path: 'bare-hub',
          cluster: 'bare',
          secretValues: hubProvided(),
        }).ctx,
      ),
    );
    expect(err?.message).toMatch(
      /^reading Secret\/monitoring\/hub-\S+ in cluster bare failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/,
    );
    expect(`${err?.message}${err?.stack}`).not.toContain(bare.applyToken);
  });
});
