/**
 * `monitoring:apply` on a real cluster (kube-apiserver 1.37, kwok nodes, the operator's status
 * simulated by kwok stages): the server dry-run, server-side apply in order with its field
 * manager, the results and the readiness wait, on a fresh cluster and on re-runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConflictError, InputError } from '@backstage/errors';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { stringify } from 'yaml';
import { expectDocumentedAction, mockContext } from '../__testUtils__/actions';
import {
  AuditEvent,
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  HUB_PROVIDED,
  hubProvided,
  isApply,
  isDryRun,
  live,
  renderHub,
  reseal,
  secretRefs,
  versions,
} from '../__testUtils__/apply';
import { Applier } from '../apply/applier';
import { resolveCluster } from '../apply';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

describe('monitoring:apply', () => {
  const mockDir = createMockDirectory();
  const workspace = mockDir.resolve('workspace');
  let cluster: TestKubeCluster;
  let audit: ReturnType<typeof auditFrom>;
  let hub: Awaited<ReturnType<typeof renderHub>>;
  /** The rendered objects and the Secrets apply creates. */
  let hubObjects: any[];

  beforeAll(async () => {
    cluster = await startTestKubeCluster({ name: 'infra' });
    audit = auditFrom(cluster);
    hub = await renderHub(workspace);
    hubObjects = [...hub.objects, ...secretRefs(hub.secrets)];
  });
  afterAll(() => cluster?.stop());
  beforeEach(() => audit.reset());

  const action = (allowedNamespaces?: string[]) =>
    createApplyAction({
      authorization: allowAll,
      config: configFor({ infra: cluster }, { allowedNamespaces }),
      pollInterval: fast,
    });
  const run = async (input: Record<string, any>, dryRun = false) => {
    const m = mockContext(
      workspace,
      { secretValues: HUB_PROVIDED, path: 'hub', cluster: 'infra', ...input },
      dryRun,
    );
    await action(input.allowedNamespaces).handler(m.ctx);
    return m;
  };

  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('describes every input and output field', () => {
    expectDocumentedAction(action(), 'monitoring:apply');
  });

  it('asks no cluster anything in a scaffolder dry run (no server dry-run, no Secret read)', async () => {
    const { outputs, logged } = await run({}, true);
    expect(outputs.applied).toHaveLength(hubObjects.length);
    expect(outputs.applied.every((a: any) => a.result === 'dry-run')).toBe(
      true,
    );
    expect(logged).toContain(
      'Dry run: the objects were validated and are what the render wrote; no cluster was called',
    );
    expect(await audit.byApply()).toEqual([]);
    expect(await audit.byPortal()).toEqual([]);
  });

  describe('on a fresh cluster, then again', () => {
    let first: ReturnType<typeof mockContext>;
    /** What apply asked the API server in the first run, in order. */
    let firstRequests: AuditEvent[];
    let firstDryRuns: AuditEvent[];
    let firstApplies: AuditEvent[];

    beforeAll(async () => {
      audit.reset();
      first = await run({});
      firstRequests = await audit.byApply();
      firstDryRuns = firstRequests.filter(isDryRun);
      firstApplies = firstRequests.filter(isApply);
    });

    it('server dry-runs every object before applying any, skipping those of the namespace it creates, and says so', async () => {
      expect(await live(cluster, hub.objects[0])).toBeDefined();
      // Every object was sent for a dry run first; those in `monitoring` (not there yet) got
      // the API server's 404 for the namespace and were skipped.
      expect(firstDryRuns).toHaveLength(hubObjects.length);
      const notFound = firstDryRuns.filter(e => e.responseStatus?.code === 404);
      expect(notFound).toHaveLength(hubObjects.length - 3);
      expect(notFound.every(e => e.objectRef?.namespace === 'monitoring')).toBe(
        true,
      );
      expect(firstRequests.findIndex(isApply)).toBeGreaterThan(
        firstRequests.map(isDryRun).lastIndexOf(true),
      );
      expect(first.logged).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^Server dry-run skipped ${hubObjects.length - 3} objects in namespace monitoring, which this set creates \\(the API server checks them when they are applied, after the namespace\\): ServiceAccount/monitoring/node-exporter, `,
          ),
        ),
      );
      expect(first.logged).toContain(
        'Server dry-run passed for 3 objects in cluster infra',
      );
    });

    it('applies every object in dependency order as its field manager, one log line each, then waits for readiness', async () => {
      const { logged, outputs } = first;
      expect(outputs.applied.map((a: any) => a.result)).toEqual(
        Array(hubObjects.length).fill('created'),
      );
      expect(outputs.applied[0].object).toBe('Namespace/monitoring');
      expect(firstApplies).toHaveLength(hubObjects.length);
      expect(firstApplies[0].objectRef).toMatchObject({
        resource: 'namespaces',
        name: 'monitoring',
      });
      // Core objects the operator objects reference come before every operator object.
      const firstOperator = outputs.applied.findIndex((a: any) =>
        /^VM/.test(a.object),
      );
      const lastCore = Math.max(
        ...outputs.applied.map((a: any, i: number) =>
          /^(Secret|ConfigMap|ServiceAccount|PersistentVolumeClaim|Deployment|DaemonSet)\//.test(
            a.object,
          )
            ? i
            : -1,
        ),
      );
      expect(firstOperator).toBeGreaterThan(lastCore);
      expect(logged).toContain('applied Namespace monitoring (created)');
      expect(logged).toContain('applied VMCluster monitoring/hub (created)');
      expect(logged.filter(l => l.startsWith('applied '))).toHaveLength(
        hubObjects.length,
      );
      // Server-side apply as backstage-monitoring, not forced.
      for (const e of firstApplies) {
        expect(e.requestURI).toContain('fieldManager=backstage-monitoring');
        expect(e.requestURI).toContain('force=false');
      }
      const vmCluster = (await live(
        cluster,
        hub.objects.find(o => o.kind === 'VMCluster')!,
      ))!;
      expect(vmCluster.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(vmCluster.spec.retentionPeriod).toBe('15d');
      expect(
        vmCluster.metadata.managedFields.find(
          (m: any) => m.manager === 'backstage-monitoring',
        ).operation,
      ).toBe('Apply');
      // Ready as the (simulated) operator reports it, for the current generation.
      expect(vmCluster.status).toMatchObject({
        updateStatus: 'operational',
        observedGeneration: vmCluster.metadata.generation,
      });
      expect(logged).toContain('ready VMCluster monitoring/hub');
      expect(logged).toContain('ready Deployment monitoring/hub-grafana');
      expect(logged).toContain('All objects are ready in cluster infra');
    });

    it('dry-runs every object once their namespace exists, and reports a re-run unchanged without bumping any resourceVersion', async () => {
      const before = await versions(cluster, hubObjects);
      audit.reset();
      const { outputs, logged } = await run({});
      const dryRuns = await audit.dryRuns();
      expect(dryRuns).toHaveLength(hubObjects.length);
      expect(dryRuns.every(e => e.responseStatus?.code === 200)).toBe(true);
      expect(logged).toContain(
        `Server dry-run passed for ${hubObjects.length} objects in cluster infra`,
      );
      expect(logged.some(l => l.includes('skipped'))).toBe(false);
      expect(outputs.applied.map((a: any) => a.result)).toEqual(
        Array(hubObjects.length).fill('unchanged'),
      );
      expect(logged).toContain('applied VMCluster monitoring/hub (unchanged)');
      expect(await versions(cluster, hubObjects)).toEqual(before);
      expect(Object.values(before).every(Boolean)).toBe(true);
    });

    it('reports a changed object as configured and waits for its new generation to be observed', async () => {
      const file = fs
        .readdirSync(path.join(workspace, 'hub'))
        .find(f => f.includes('-vmcluster-'))!;
      const obj: any = hub.objects.find(o => o.kind === 'VMCluster')!;
      const generation = (await live(cluster, obj))!.metadata.generation;
      fs.writeFileSync(
        path.join(workspace, 'hub', file),
        stringify({ ...obj, spec: { ...obj.spec, retentionPeriod: '30d' } }),
      );
      reseal(path.join(workspace, 'hub')); // as a render with retention 30d would
      const { outputs, logged } = await run({});
      expect(
        outputs.applied.filter((a: any) => a.result !== 'unchanged'),
      ).toEqual([
        {
          object: 'VMCluster/monitoring/hub',
          cluster: 'infra',
          result: 'configured',
        },
      ]);
      const after = (await live(cluster, obj))!;
      expect(after.spec.retentionPeriod).toBe('30d');
      expect(after.metadata.generation).toBe(generation + 1);
      expect(after.status).toMatchObject({
        updateStatus: 'operational',
        observedGeneration: generation + 1,
      });
      // It was not taken as ready from the status of the previous generation.
      const waited = logged.findIndex(l =>
        l.startsWith('waiting for VMCluster monitoring/hub: '),
      );
      expect(waited).toBeGreaterThanOrEqual(0);
      expect(logged.indexOf('ready VMCluster monitoring/hub')).toBeGreaterThan(
        waited,
      );

      // As rendered again, it goes back.
      await renderHub(workspace);
      const back = await run({});
      expect(
        back.outputs.applied.find(
          (a: any) => a.object === 'VMCluster/monitoring/hub',
        ).result,
      ).toBe('configured');
      expect((await live(cluster, obj))!.spec.retentionPeriod).toBe('15d');
    });

    it('asks the cluster nothing in a scaffolder dry run once applied either, not even for its Secrets', async () => {
      // A hub never applied, in a namespace of its own, likewise.
      await renderHub(workspace, 'never', { namespace: 'never' });
      await run({}, true);
      await run(
        {
          path: 'never',
          allowedNamespaces: ['monitoring', 'never'],
          secretValues: hubProvided('never'),
        },
        true,
      );
      expect(await audit.byApply()).toEqual([]);
    });

    it('never replaces a service rule rendered for another catalog entity, even forced', async () => {
      const rule = (entity: string) => ({
        apiVersion: 'operator.victoriametrics.com/v1beta1',
        kind: 'VMRule',
        metadata: {
          name: 'payments-alerts',
          namespace: 'monitoring',
          annotations: { 'monitoring.backstage.io/entity': entity },
        },
        spec: {
          groups: [
            {
              name: 'payments-alerts',
              rules: [{ alert: 'X', expr: 'vector(1) > 0' }],
            },
          ],
        },
      });
      const applier = new Applier({
        client: KubernetesObjectApi.makeApiClient(
          resolveCluster(configFor({ infra: cluster }), 'infra').kubeConfig,
        ),
        cluster: 'infra',
        fieldManager: 'backstage-monitoring',
        force: true,
        logger: { info() {}, warn() {} },
      });
      expect(await applier.applyOne(rule('component:default/payments'))).toBe(
        'created',
      );
      const other = applier.applyOne(rule('component:other-team/payments'));
      await expect(other).rejects.toThrow(ConflictError);
      await expect(other).rejects.toThrow(
        'VMRule monitoring/payments-alerts in cluster infra belongs to component:default/payments, not component:other-team/payments',
      );
      expect(await applier.applyOne(rule('component:default/payments'))).toBe(
        'unchanged',
      );
    });
  });

  it.each([
    [{ cluster: 'nope' }, /Unknown cluster "nope".*configured: infra/],
    [{ path: 'missing' }, 'path "missing" is not a folder in the workspace'],
    [{ path: '../outside' }, 'path "../outside" is outside the workspace'],
    [{ waitTimeout: 'soon' }, 'waitTimeout "soon" is not a duration'],
    [{ waitTimeout: '2h' }, 'longer than the 1h the action waits at most'],
    [{ fieldManager: 'kubectl' }, 'fieldManager must be backstage-monitoring'],
    [
      { fieldManager: 'backstage-monitoringx' },
      'fieldManager must be backstage-monitoring',
    ],
  ])(
    'rejects bad input %j with an InputError, asking no cluster',
    async (input, message) => {
      const p = run(input);
      await expect(p).rejects.toThrow(InputError);
      await expect(p).rejects.toThrow(message);
      expect(await audit.byApply()).toEqual([]);
    },
  );

  it('rejects invalid manifests with an InputError before any request', async () => {
    await renderHub(workspace, 'invalid');
    const dir = path.join(workspace, 'invalid');
    const file = fs.readdirSync(dir).find(f => f.includes('-vmcluster-'))!;
    const obj: any = hub.objects.find(o => o.kind === 'VMCluster')!;
    fs.writeFileSync(
      path.join(dir, file),
      stringify({
        ...obj,
        spec: {
          ...obj.spec,
          vmstorage: { ...obj.spec.vmstorage, replicaCount: 'two' },
        },
      }),
    );
    reseal(dir);
    const p = run({ path: 'invalid' });
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(
      'VMCluster/monitoring/hub: spec.vmstorage.replicaCount: must be integer',
    );
    expect(await audit.byApply()).toEqual([]);
  });
});
