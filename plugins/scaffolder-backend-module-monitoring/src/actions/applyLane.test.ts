/**
 * `monitoring:apply` stays in its lane: in each cluster only the namespaces its entry of
 * `monitoring.apply.clusters` allows, for the rendered objects and the Secrets it would create,
 * and only with a token of its own - refused before any request reaches the cluster (its audit
 * log says so); applied where allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import {
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { parse, stringify } from 'yaml';
import { mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  HUB_PROVIDED,
  hubProvided,
  renderHub,
  renderSpoke,
  reseal,
  versions,
} from '../__testUtils__/apply';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

describe('monitoring:apply stays inside its lane', () => {
  const mockDir = createMockDirectory();
  let cluster: TestKubeCluster;
  let audit: ReturnType<typeof auditFrom>;
  let workspace: string;

  beforeAll(async () => {
    // The cluster lets apply into observability too (its RBAC names and admission policy), so
    // the suite's own allowedNamespaces is what refuses it first.
    cluster = await startTestKubeCluster({
      name: 'infra',
      applyNamespaces: ['monitoring', 'observability'],
    });
    audit = auditFrom(cluster);
  });
  afterAll(() => cluster?.stop());
  beforeEach(async () => {
    mockDir.clear();
    workspace = mockDir.resolve('workspace');
    await renderHub(workspace);
    audit.reset();
  });

  /** No request of apply's (or the portal's) reached the cluster. */
  const nothingAsked = async () => {
    expect(await audit.byApply()).toEqual([]);
    expect(await audit.byPortal()).toEqual([]);
  };
  const action = () =>
    createApplyAction({
      authorization: allowAll,
      config: configFor({ infra: cluster, 'prod-eu-1': cluster }),
      pollInterval: fast,
    });

  describe('for the rendered objects', () => {
    const refusal = async (
      a: ReturnType<typeof createApplyAction>,
      input: Record<string, any>,
    ) => {
      const { ctx } = mockContext(workspace, {
        secretValues: HUB_PROVIDED,
        ...input,
      });
      const err = await a.handler(ctx).then(
        () => undefined,
        e => e,
      );
      await nothingAsked();
      return err;
    };

    it('refuses a cluster without apply credentials of its own: no fallback to the Kubernetes plugin token', async () => {
      const data = (configFor({ infra: cluster, other: cluster }) as any).get();
      const pluginOnly = createApplyAction({
        authorization: allowAll,
        config: mockServices.rootConfig({
          data: { kubernetes: data.kubernetes },
        }),
        pollInterval: fast,
      });
      const err = await refusal(pluginOnly, { path: 'hub', cluster: 'infra' });
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toContain(
        'Cluster "infra" has no apply credentials of its own: add { name: infra, serviceAccountToken } to monitoring.apply.clusters',
      );

      // The hub cluster of a spoke likewise, even when the spoke's cluster has its own.
      const spoke = await renderSpoke(workspace);
      const spokeOnly = createApplyAction({
        authorization: allowAll,
        config: mockServices.rootConfig({
          data: {
            ...data,
            monitoring: {
              apply: {
                clusters: data.monitoring.apply.clusters.filter(
                  (c: any) => c.name === 'infra',
                ),
              },
            },
          },
        }),
        pollInterval: fast,
      });
      const hubErr = await refusal(spokeOnly, {
        path: spoke.outputPath,
        cluster: 'infra',
        hubCluster: 'other',
        secretValues: [],
      });
      expect(hubErr).toBeInstanceOf(InputError);
      expect(hubErr.message).toMatch(
        /^Cluster "other" has no apply credentials of its own: .*monitoring\.apply\.clusters/,
      );
    });

    it('refuses a set rendered into a namespace the cluster does not allow (default: monitoring), naming the object and the cluster', async () => {
      const obs = await renderHub(workspace, 'obs', {
        namespace: 'observability',
      });
      const err = await refusal(action(), { path: 'obs', cluster: 'infra' });
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toMatch(
        /^Namespace observability is outside the namespaces monitoring:apply may write into in cluster infra \(monitoring: monitoring\.apply\.clusters\[\]\.allowedNamespaces\), and \d+ more: ServiceAccount observability\/node-exporter, /,
      );

      // Where the cluster's entry allows it, the same set is applied.
      const widened = createApplyAction({
        authorization: allowAll,
        config: configFor(
          { infra: cluster },
          { allowedNamespaces: ['monitoring', 'observability'] },
        ),
        pollInterval: fast,
      });
      const { ctx } = mockContext(workspace, {
        path: 'obs',
        cluster: 'infra',
        secretValues: hubProvided('observability'),
      });
      await widened.handler(ctx);
      const missing = Object.entries(await versions(cluster, obs.objects))
        .filter(([, rv]) => !rv)
        .map(([ref]) => ref);
      expect(missing).toEqual([]);
      expect(
        obs.objects
          .filter(o => !o.kind.startsWith('Cluster'))
          .every(
            o => (o.metadata.namespace ?? o.metadata.name) === 'observability',
          ),
      ).toBe(true);
    });

    it('refuses one sealed object moved to another namespace, or without one, naming it and the cluster', async () => {
      const dir = path.join(workspace, 'hub');
      const file = fs.readdirSync(dir).find(f => f.includes('-vmrule-'))!;
      const original = parse(fs.readFileSync(path.join(dir, file), 'utf8'));
      fs.writeFileSync(
        path.join(dir, file),
        stringify({
          ...original,
          metadata: { ...original.metadata, namespace: 'kube-system' },
        }),
      );
      reseal(dir);
      const err = await refusal(action(), { path: 'hub', cluster: 'infra' });
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toBe(
        `VMRule kube-system/${original.metadata.name} is outside the namespaces monitoring:apply may write into in cluster infra (monitoring: monitoring.apply.clusters[].allowedNamespaces); nothing was applied`,
      );

      const { namespace: _dropped, ...metadata } = original.metadata;
      fs.writeFileSync(
        path.join(dir, file),
        stringify({ ...original, metadata }),
      );
      reseal(dir);
      const noNamespace = await refusal(action(), {
        path: 'hub',
        cluster: 'infra',
      });
      // The server would place it itself: refused (by validation, before the lane's own check).
      expect(noNamespace).toBeInstanceOf(InputError);
      expect(noNamespace.message).toContain(
        `VMRule/${original.metadata.name}: metadata.namespace`,
      );
    });
  });

  describe('creates Secrets only inside its lane', () => {
    /** The hub's secret-requirements.json with its third Secret moved to kube-system, sealed. */
    const strayRequirement = async () => {
      await renderHub(workspace);
      const file = path.join(
        workspace,
        'hub',
        '.monitoring',
        'secret-requirements.json',
      );
      const reqs = JSON.parse(fs.readFileSync(file, 'utf8'));
      reqs[2].namespace = 'kube-system';
      fs.writeFileSync(file, JSON.stringify(reqs));
      reseal(path.join(workspace, 'hub')); // refused even when sealed
      return `kube-system/${reqs[2].name}`;
    };
    const refusal = async (
      a: ReturnType<typeof createApplyAction>,
      input: Record<string, unknown>,
    ) => {
      const p = a.handler(mockContext(workspace, input).ctx);
      const err = await p.then(
        () => undefined,
        e => e,
      );
      await nothingAsked();
      return err;
    };

    it("refuses a Secret to create outside the cluster's allowedNamespaces, naming it and the cluster", async () => {
      const secretRef = await strayRequirement();
      const err = await refusal(action(), {
        path: 'hub',
        cluster: 'infra',
        secretValues: HUB_PROVIDED,
      });
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toBe(
        `Secret ${secretRef} (created from .monitoring/secret-requirements.json) is outside the namespaces monitoring:apply may write into in cluster infra (monitoring: monitoring.apply.clusters[].allowedNamespaces); nothing was applied`,
      );
    });

    it('refuses, where kube-system is allowed, a Secret outside the namespaces of the rendered objects', async () => {
      await strayRequirement();
      const wide = createApplyAction({
        authorization: allowAll,
        config: configFor(
          { infra: cluster, 'prod-eu-1': cluster },
          { allowedNamespaces: ['monitoring', 'kube-system'] },
        ),
        pollInterval: fast,
      });
      const err = await refusal(wide, {
        path: 'hub',
        cluster: 'infra',
        secretValues: HUB_PROVIDED,
      });
      expect(err).toBeInstanceOf(InputError);
      expect(err.message).toMatch(
        /secret-requirements.json names Secrets outside the namespaces of the objects for cluster infra: kube-system\//,
      );
    });

    it("refuses the hub side of a spoke outside the hub cluster's own allowedNamespaces", async () => {
      const rendered = await renderSpoke(
        workspace,
        {},
        { cluster: 'prod-eu-1', hubCluster: 'infra' },
      );
      const data = (
        configFor({ infra: cluster, 'prod-eu-1': cluster }) as any
      ).get();
      data.monitoring.apply.clusters[0].allowedNamespaces = ['observability'];
      const err = await refusal(
        createApplyAction({
          authorization: allowAll,
          config: mockServices.rootConfig({ data }),
          pollInterval: fast,
        }),
        {
          path: rendered.outputPath,
          cluster: 'prod-eu-1',
          hubCluster: 'infra',
        },
      );
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toMatch(
        /^VMUser monitoring\/\S+ is outside the namespaces monitoring:apply may write into in cluster infra \(observability: .*, and 1 more: Secret monitoring\/\S+ \(created from .monitoring\/secret-requirements.json\); nothing was applied$/,
      );
    });
  });
});
