/**
 * Acceptance of `monitoring:apply` against two real clusters (the hub's `infra`, the spoke's
 * `prod-eu-1`; the operator's status simulated by kwok stages): the dry run on a fresh cluster,
 * the action's examples (hub, spoke admitted on the hub, forced re-apply) up to ready,
 * re-applies unchanged, a conflict with another field manager unless forced, the portal's token
 * refused, a missing storage class failing the wait with its real reasons, and a published
 * folder applied with `kubectl apply -k`.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import {
  BIN,
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { exampleInput, mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  hubProvided,
  live,
  removeNodeExporters,
  renderHub,
  renderSpoke,
  secretRefs,
  versions,
} from '../__testUtils__/apply';
import { testAuthorization } from '../__testUtils__/authorization';
import { Applier } from '../apply/applier';
import { resolveCluster } from '../apply';
import { orderForApply } from '../apply/order';
import { createApplyAction } from './apply';
import { examples } from './apply.examples';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

const execFileAsync = promisify(execFile);

const allowAll = testAuthorization().authorization;

describe('monitoring:apply on real clusters (acceptance)', () => {
  const mockDir = createMockDirectory();
  const workspace = mockDir.resolve('workspace');
  let infra: TestKubeCluster;
  let prod: TestKubeCluster;
  let hub: Awaited<ReturnType<typeof renderHub>>;
  let spoke: Awaited<ReturnType<typeof renderSpoke>>;
  /** What each cluster holds once the examples ran. */
  let onInfra: any[];
  let onProd: any[];

  beforeAll(async () => {
    [infra, prod] = await Promise.all([
      startTestKubeCluster({ name: 'infra' }),
      startTestKubeCluster({
        name: 'prod-eu-1',
        applyNamespaces: ['monitoring', 'broken'],
      }),
    ]);
    hub = await renderHub(workspace);
    spoke = await renderSpoke(workspace);
    const sides = (c: 'hub' | 'spoke') =>
      secretRefs(spoke.secrets.filter(s => s.cluster === c));
    onInfra = [
      ...hub.objects,
      ...secretRefs(hub.secrets),
      ...spoke.hub,
      ...sides('hub'),
    ];
    onProd = [...spoke.spoke, ...sides('spoke')];
  });
  afterAll(() => Promise.all([infra?.stop(), prod?.stop()]));

  const action = (
    token?: (c: TestKubeCluster) => string,
    allowedNamespaces?: string[],
  ) =>
    createApplyAction({
      authorization: allowAll,
      config: configFor(
        { infra, 'prod-eu-1': prod },
        { token, allowedNamespaces },
      ),
      pollInterval: fast,
    });
  const example = async (i: number, extra: Record<string, unknown> = {}) => {
    const m = mockContext(workspace, {
      ...exampleInput(examples[i].example),
      ...extra,
    });
    await action().handler(m.ctx);
    return m;
  };

  it('server dry-runs a spoke on a fresh cluster: its namespace first, the objects in it skipped and named, nothing written', async () => {
    const logged: string[] = [];
    const applier = new Applier({
      client: KubernetesObjectApi.makeApiClient(
        resolveCluster(configFor({ 'prod-eu-1': prod }), 'prod-eu-1')
          .kubeConfig,
      ),
      cluster: 'prod-eu-1',
      fieldManager: 'backstage-monitoring',
      force: false,
      logger: { info: m => logged.push(m), warn() {} },
    });
    const objects = orderForApply(spoke.spoke);
    const { checked, skipped } = await applier.dryRunAll(objects);
    // The Namespace and kube-state-metrics' ClusterRole and binding were checked for real.
    expect(checked).toBe(3);
    expect(skipped).toEqual(
      objects
        .filter(o => o.metadata.namespace)
        .map(o => `${o.kind}/monitoring/${o.metadata.name}`),
    );
    expect(logged).toEqual([
      `Server dry-run skipped 12 objects in namespace monitoring, which this set creates (the API server checks them when they are applied, after the namespace): ${skipped.slice(0, 5).join(', ')}, and 7 more`,
    ]);
    expect(await versions(prod, spoke.spoke)).toEqual(
      Object.fromEntries(
        spoke.spoke.map(o => [
          `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`,
          undefined,
        ]),
      ),
    );
  });

  it('runs the examples: the hub, then the spoke admitted on the hub, each ready as the operator reports it, then the forced re-apply', async () => {
    const audits = [auditFrom(infra), auditFrom(prod)];
    const hubRun = await example(0);
    expect(hubRun.outputs.applied).toHaveLength(hubRun.outputs.objectCount);
    expect(hubRun.logged).toContain('All objects are ready in cluster infra');
    // The wait's progress: the operator's objects reported while they settle, then ready.
    const waiting = hubRun.logged.findIndex(l =>
      /^waiting for VMCluster monitoring\/hub: status (expanding|not reported)/.test(
        l,
      ),
    );
    expect(waiting).toBeGreaterThanOrEqual(0);
    expect(
      hubRun.logged.indexOf('ready VMCluster monitoring/hub'),
    ).toBeGreaterThan(waiting);

    const spokeRun = await example(1);
    expect(spokeRun.outputs.applied).toHaveLength(spokeRun.outputs.objectCount);
    expect(spokeRun.logged).toContainEqual(
      expect.stringMatching(
        /^Server dry-run skipped \d+ objects in namespace monitoring, which this set creates/,
      ),
    );
    expect(spokeRun.logged).toContain(
      'All objects are ready in cluster infra and prod-eu-1',
    );
    const forced = await example(2);
    expect(forced.outputs.applied).toHaveLength(forced.outputs.objectCount);

    // Everything is where it belongs, the operator's objects operational for their generation.
    const present = (v: Record<string, string | undefined>) =>
      Object.entries(v).filter(([, rv]) => !rv);
    expect(present(await versions(infra, onInfra))).toEqual([]);
    expect(present(await versions(prod, onProd))).toEqual([]);
    for (const [cluster, obj] of [
      [infra, hub.objects.find(o => o.kind === 'VMCluster')!],
      [prod, spoke.spoke.find(o => o.kind === 'VMAgent')!],
    ] as const) {
      const status = (await live(cluster, obj))!;
      expect(status.status).toMatchObject({
        updateStatus: 'operational',
        observedGeneration: status.metadata.generation,
      });
    }
    // The forced example took its fields with its own field manager.
    const agent = (await live(
      prod,
      spoke.spoke.find(o => o.kind === 'VMAgent')!,
    ))!;
    expect(agent.metadata.managedFields.map((m: any) => m.manager)).toContain(
      'backstage-monitoring-spoke',
    );
    // Apply's own token on both clusters, never the Kubernetes plugin's.
    for (const audit of audits) {
      expect((await audit.applies()).length).toBeGreaterThan(0);
      expect(await audit.byPortal()).toEqual([]);
    }
  });

  it('re-applies the hub and the spoke unchanged, bumping no resourceVersion', async () => {
    const before = [
      await versions(infra, onInfra),
      await versions(prod, onProd),
    ];
    for (const i of [0, 1]) {
      const { outputs } = await example(i);
      expect(
        outputs.applied.filter((a: any) => a.result !== 'unchanged'),
      ).toEqual([]);
    }
    expect([
      await versions(infra, onInfra),
      await versions(prod, onProd),
    ]).toEqual(before);
  });

  it('fails with a ConflictError naming the object, the field and the other field manager, unless forced', async () => {
    const vmCluster = hub.objects.find(o => o.kind === 'VMCluster')!;
    await infra.admin.objects.patch(
      {
        apiVersion: vmCluster.apiVersion,
        kind: vmCluster.kind,
        metadata: { name: 'hub', namespace: 'monitoring' },
        spec: { retentionPeriod: '1y' },
      } as any,
      undefined,
      undefined,
      'someone-else',
      true,
      PatchStrategy.ServerSideApply,
    );
    const before = await versions(infra, onInfra);
    const audit = auditFrom(infra);
    const refused = example(0);
    await expect(refused).rejects.toThrow(ConflictError);
    await expect(refused).rejects.toThrow(
      'server dry-run of VMCluster/monitoring/hub in cluster infra: conflict with field manager "someone-else" on .spec.retentionPeriod; backstage-monitoring does not own these fields (re-run with force to take them over)',
    );
    expect(await audit.applies()).toEqual([]);
    expect(await versions(infra, onInfra)).toEqual(before);

    const { outputs } = await example(0, { force: true });
    expect(
      outputs.applied.filter((a: any) => a.result !== 'unchanged'),
    ).toEqual([
      {
        object: 'VMCluster/monitoring/hub',
        cluster: 'infra',
        result: 'configured',
      },
    ]);
    const taken = (await live(infra, vmCluster))!;
    expect(taken.spec.retentionPeriod).toBe('15d');
    expect(
      JSON.stringify(
        taken.metadata.managedFields.find(
          (m: any) => m.manager === 'someone-else',
        )?.fieldsV1 ?? {},
      ),
    ).not.toContain('retentionPeriod');
  });

  it("refuses the portal's read-only token for writes with a 403 naming its ServiceAccount, writing nothing", async () => {
    await renderHub(workspace, 'refused', { namespace: 'refused' });
    const audit = auditFrom(infra);
    const asPortal = action(c => c.portalToken, ['refused']);
    const run = (input: Record<string, unknown>) =>
      asPortal
        .handler(
          mockContext(workspace, {
            path: 'refused',
            cluster: 'infra',
            secretValues: hubProvided('refused'),
            ...input,
          }).ctx,
        )
        .then(
          () => undefined,
          e => e,
        );
    // It may not read Secrets (so cannot keep passwords), nor apply anything.
    const reading = await run({});
    expect(reading).toBeInstanceOf(NotAllowedError);
    expect(reading.message).toMatch(
      /^reading Secret\/refused\/hub-\S+ in cluster infra: the service account of cluster infra \(ServiceAccount backstage-system\/backstage-portal\) is not allowed to get secrets \(Forbidden\)$/,
    );
    const applying = await run({ createSecrets: false });
    expect(applying).toBeInstanceOf(NotAllowedError);
    expect(applying.message).toBe(
      'server dry-run of Namespace/refused in cluster infra: the service account of cluster infra (ServiceAccount backstage-system/backstage-portal) is not allowed to patch namespaces (Forbidden)',
    );
    for (const err of [reading, applying]) {
      expect(`${err.message}${err.stack}`).not.toContain(infra.portalToken);
      expect(err.message).not.toMatch(/Bearer|Body|Headers|https?:|\{/);
    }
    // Every request for an object (besides discovery) was refused.
    const requests = (await audit.byPortal()).filter(e => e.objectRef);
    expect(requests.map(e => e.verb).sort()).toEqual(['get', 'patch']);
    expect(requests.every(e => e.responseStatus?.code === 403)).toBe(true);
    expect(
      await infra.admin.read({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: 'refused',
      }),
    ).toBeUndefined();
  });

  it("fails the wait within its waitTimeout when a storage class is missing, naming the claim, its class and the operator's reason", async () => {
    // A hub in prod-eu-1, where the spoke's node-exporter would hold the nodes' host ports.
    await removeNodeExporters(prod);
    await renderHub(
      workspace,
      'broken',
      { namespace: 'broken', storageClass: 'nope', sharedStorageClass: 'nope' },
      'prod-eu-1',
    );
    const m = mockContext(workspace, {
      path: 'broken',
      cluster: 'prod-eu-1',
      secretValues: hubProvided('broken'),
      waitTimeout: '8s',
    });
    const err = await action(undefined, ['broken'])
      .handler(m.ctx)
      .then(
        () => undefined,
        e => e,
      );
    expect(err?.message).toMatch(
      /^2 objects in cluster prod-eu-1 were not ready after 8s:\n/,
    );
    const lines = err.message.split('\n- ').slice(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /^Deployment\/broken\/hub-grafana \(rollout: 2 updated, 0 ready, 0 available of 2 desired; 2 pods Pending \(hub-grafana-\S+, hub-grafana-\S+\): 0\/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.*; claim broken\/hub-grafana-plugins of storage class "nope" is not bound\)$/,
      ),
      'VMCluster/broken/hub (status failed: cannot create vmstorage: storageclass.storage.k8s.io "nope" not found)',
    ]);
    // While it waited, the task's log said why.
    expect(m.logged).toContainEqual(
      expect.stringMatching(
        /^waiting for Deployment broken\/hub-grafana: .*claim broken\/hub-grafana-plugins of storage class "nope" is not bound/,
      ),
    );
  });

  it('applies a published folder with kubectl apply -k --server-side, as Argo CD or Flux would', async () => {
    // The folder as the template publishes it: the objects, its kustomization.yaml and
    // .monitoring/ (which kustomize does not read).
    const published = await renderHub(workspace, 'published', {
      namespace: 'kustomized',
    });
    const dir = path.join(workspace, 'published');
    expect(fs.readdirSync(dir)).toContain('kustomization.yaml');
    // The admin's kubeconfig (0600): a token on the command line would show in ps.
    const { stdout } = await execFileAsync(
      BIN.kubectl,
      [
        `--kubeconfig=${prod.adminKubeconfig}`,
        'apply',
        '-k',
        dir,
        '--server-side',
      ],
      { timeout: 60_000 },
    );
    expect(stdout.trim().split('\n')).toHaveLength(published.objects.length);
    expect(stdout).not.toMatch(/kustomization|Kustomization/);
    const missing = Object.entries(await versions(prod, published.objects))
      .filter(([, rv]) => !rv)
      .map(([ref]) => ref);
    expect(missing).toEqual([]);
    const vmCluster = (await live(
      prod,
      published.objects.find(o => o.kind === 'VMCluster')!,
    ))!;
    expect(vmCluster.metadata.managedFields[0].manager).toBe('kubectl');
  });
});
