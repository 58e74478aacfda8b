// Over 400 lines: one suite of monitoring:apply against the emulator, sharing its set-up.
import fs from 'node:fs';
import path from 'node:path';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import {
  exampleInput,
  expectDocumentedAction,
  mockContext,
} from '../__testUtils__/actions';
import {
  ALL_RESOURCES,
  HUB_PROVIDED,
  PLUGIN_TOKEN,
  applyPatches,
  configFor,
  dryRunPatches,
  fast,
  renderHub,
  renderSpoke,
  reseal,
  versions,
} from '../__testUtils__/apply';
import {
  CORE_RESOURCES,
  EXTERNAL_SECRETS_RESOURCES,
  KubeEmulator,
  OPERATOR_RESOURCES,
} from '@internal/monitoring-kube-emulator';
import { Applier } from '../apply/applier';
import { RenderSeal } from '../apply/seal';
import { createApplyAction } from './apply';
import { examples } from './apply.examples';
import { testAuthorization } from '../__testUtils__/authorization';

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

describe('monitoring:apply', () => {
  const mockDir = createMockDirectory();
  let emu: KubeEmulator;
  let workspace: string;
  /** The rendered hub objects, and (with the kubernetes strategy) the Secrets apply creates. */
  let hubObjects: any[];
  let hubTotal: number;

  beforeEach(async () => {
    mockDir.clear();
    emu = await KubeEmulator.start({
      resources: ALL_RESOURCES,
      autoReady: true,
    });
    workspace = mockDir.resolve('workspace');
    const hub = await renderHub(workspace);
    hubObjects = hub.objects;
    hubTotal = hub.objects.length + hub.secrets.length;
  });
  afterEach(() => emu.close());

  const action = () =>
    createApplyAction({
      authorization: allowAll,
      config: configFor({ infra: emu }),
      pollInterval: fast,
    });
  const run = async (input: Record<string, any>, isDryRun = false) => {
    const m = mockContext(workspace, { secretValues: HUB_PROVIDED, ...input });
    // createMockActionContext does not pass isDryRun through; set it like the scaffolder does.
    Object.assign(m.ctx, { isDryRun });
    await action().handler(m.ctx);
    return m;
  };

  // eslint-disable-next-line jest/expect-expect -- asserts in expectDocumentedAction
  it('describes every input and output field', () => {
    expectDocumentedAction(action(), 'monitoring:apply');
  });

  it('runs the examples (hub with provided values, spoke admitted on the hub, forced re-apply)', async () => {
    const spokeEmu = await KubeEmulator.start({
      resources: ALL_RESOURCES,
      autoReady: true,
    });
    try {
      const spoke = await renderSpoke(workspace);
      const a = createApplyAction({
        authorization: allowAll,
        config: configFor({ infra: emu, 'prod-eu-1': spokeEmu }),
        pollInterval: fast,
      });
      for (const example of examples) {
        const { ctx, outputs } = mockContext(
          workspace,
          exampleInput(example.example),
        );
        await a.handler(ctx);
        expect(outputs.applied.length).toBe(outputs.objectCount);
      }
      // Each side also holds the Secrets the kubernetes strategy creates.
      const hubSideSecrets = spoke.secrets.filter(
        r => r.cluster === 'hub',
      ).length;
      const spokeSecrets = spoke.secrets.filter(
        r => r.cluster === 'spoke',
      ).length;
      expect(hubSideSecrets).toBe(1);
      expect(spokeSecrets).toBe(1);
      expect(emu.objects()).toHaveLength(
        hubTotal + spoke.hub.length + hubSideSecrets,
      );
      expect(spokeEmu.objects()).toHaveLength(
        spoke.spoke.length + spokeSecrets,
      );
      // The force example took its fields with its own field manager.
      const agent = spokeEmu.objects().find(o => o.kind === 'VMAgent')!;
      expect(agent.metadata.managedFields.map((m: any) => m.manager)).toContain(
        'backstage-monitoring-spoke',
      );
      // Apply's own token on both clusters, never the Kubernetes plugin's.
      expect(spokeEmu.requests.every(r => r.authorization === 'Bearer t')).toBe(
        true,
      );
      expect(emu.requests.every(r => r.authorization === 'Bearer t')).toBe(
        true,
      );
      expect(JSON.stringify(emu.requests)).not.toContain(PLUGIN_TOKEN);
    } finally {
      await spokeEmu.close();
    }
  });

  it('applies every object in dependency order with one log line each, then waits for readiness', async () => {
    const { logged, outputs } = await run({ path: 'hub', cluster: 'infra' });
    const stored = emu.objects();
    expect(stored).toHaveLength(hubTotal);
    const appliedKinds = outputs.applied.map(
      (a: any) => a.object.split('/')[0],
    );
    expect(appliedKinds[0]).toBe('Namespace');
    expect(applyPatches(emu)[0].path).toBe('/api/v1/namespaces/monitoring');
    // Core objects the operator objects reference come before every operator object.
    const firstOperator = outputs.applied.findIndex((a: any) =>
      /^VM/.test(a.object),
    );
    const lastCore = Math.max(
      ...outputs.applied.map((a: any, i: number) =>
        /^(Secret|ConfigMap|ServiceAccount|PersistentVolumeClaim|Deployment|StatefulSet)\//.test(
          a.object,
        )
          ? i
          : -1,
      ),
    );
    expect(firstOperator).toBeGreaterThan(lastCore);
    expect(outputs.applied.every((a: any) => a.result === 'created')).toBe(
      true,
    );
    expect(logged).toContain('applied VMCluster monitoring/hub (created)');
    expect(logged).toContain('applied Namespace monitoring (created)');
    expect(logged.filter(l => l.startsWith('applied '))).toHaveLength(hubTotal);
    expect(logged).toContain('ready VMCluster monitoring/hub');
    // Server-side apply with the default field manager, JSON/YAML body.
    const p = applyPatches(emu)[0];
    expect(p.contentType).toBe('application/apply-patch+yaml');
    expect(p.query.fieldManager).toBe('backstage-monitoring');
    expect(p.query.force).toBe('false');
    const cluster = stored.find(o => o.kind === 'VMCluster')!;
    expect(cluster.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(cluster.spec.retentionPeriod).toBe('15d');
  });

  it('dry-runs every object on the server before applying anything', async () => {
    await run({ path: 'hub', cluster: 'infra' });
    const patches = emu.requests.filter(r => r.method === 'PATCH');
    const firstApply = patches.findIndex(r => r.query.dryRun === undefined);
    expect(
      patches.slice(0, firstApply).every(r => r.query.dryRun === 'All'),
    ).toBe(true);
    expect(firstApply).toBeGreaterThan(0);
  });

  it('asks no cluster anything in a scaffolder dry run (no server dry-run, no Secret read)', async () => {
    const { outputs, logged } = await run(
      { path: 'hub', cluster: 'infra' },
      true,
    );
    expect(emu.requests).toEqual([]);
    expect(outputs.applied).toHaveLength(hubTotal);
    expect(outputs.applied.every((a: any) => a.result === 'dry-run')).toBe(
      true,
    );
    expect(logged).toContain(
      'Dry run: the objects were validated and are what the render wrote; no cluster was called',
    );

    // Once applied, a dry run still reads nothing: not even the live Secrets.
    await run({ path: 'hub', cluster: 'infra' });
    emu.requests.length = 0;
    await run({ path: 'hub', cluster: 'infra' }, true);
    expect(emu.requests).toEqual([]);
  });

  it('skips the objects of a namespace the set creates in the server dry-run, and checks them once it exists', async () => {
    const { logged } = await run({ path: 'hub', cluster: 'infra' });
    expect(logged.some(l => l.includes('Server dry-run skipped'))).toBe(true);
    emu.requests.length = 0;
    await run({ path: 'hub', cluster: 'infra' });
    expect(dryRunPatches(emu)).toHaveLength(hubTotal);
  });

  it('is idempotent: a second run reports every object unchanged and bumps no resourceVersion', async () => {
    await run({ path: 'hub', cluster: 'infra' });
    const before = versions(emu);
    const { outputs, logged } = await run({ path: 'hub', cluster: 'infra' });
    expect(outputs.applied.map((a: any) => a.result)).toEqual(
      Array(hubTotal).fill('unchanged'),
    );
    expect(logged).toContain('applied VMCluster monitoring/hub (unchanged)');
    expect(versions(emu)).toEqual(before);
  });

  it('reports a changed object as configured', async () => {
    await run({ path: 'hub', cluster: 'infra' });
    const file = fs
      .readdirSync(path.join(workspace, 'hub'))
      .find(f => f.includes('-vmcluster-'))!;
    const obj = hubObjects.find(o => o.kind === 'VMCluster');
    fs.writeFileSync(
      path.join(workspace, 'hub', file),
      stringify({ ...obj, spec: { ...obj.spec, retentionPeriod: '30d' } }),
    );
    reseal(path.join(workspace, 'hub')); // as a render with retention 30d would
    const { outputs } = await run({ path: 'hub', cluster: 'infra' });
    expect(
      outputs.applied.find((a: any) => a.object === 'VMCluster/monitoring/hub')
        .result,
    ).toBe('configured');
    expect(
      outputs.applied.filter((a: any) => a.result !== 'unchanged'),
    ).toHaveLength(1);
    expect(
      emu.get(
        'operator.victoriametrics.com/v1beta1',
        'VMCluster',
        'monitoring',
        'hub',
      )!.spec.retentionPeriod,
    ).toBe('30d');
  });

  it('converges on a re-run after a failure half way', async () => {
    const half = Math.floor(hubTotal / 2);
    emu.failRequest(half);
    const first = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
    });
    const failed = action().handler(first.ctx);
    await expect(failed).rejects.toThrow(
      /applying .* in cluster infra: the API server answered 500 \(InternalError\)/,
    );
    expect(emu.objects()).toHaveLength(half - 1);

    const { outputs } = await run({ path: 'hub', cluster: 'infra' });
    expect(emu.objects()).toHaveLength(hubTotal);
    const results = outputs.applied.map((a: any) => a.result);
    expect(
      results.slice(0, half - 1).every((r: string) => r === 'unchanged'),
    ).toBe(true);
    expect(results.slice(half - 1).every((r: string) => r === 'created')).toBe(
      true,
    );
  });

  it('resumes from its checkpoints when the task is retried: applied objects are not applied again', async () => {
    // The scaffolder keeps each checkpoint's result in the task's state and, on a retry, returns it
    // instead of running the step's function again.
    const state = new Map<string, unknown>();
    const withState = (input: Record<string, any>) => {
      const m = mockContext(workspace, {
        secretValues: HUB_PROVIDED,
        ...input,
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
    const half = Math.floor(hubTotal / 2);
    emu.failRequest(half);
    await expect(
      action().handler(withState({ path: 'hub', cluster: 'infra' }).ctx),
    ).rejects.toThrow(/answered 500/);
    expect(state.size).toBe(half - 1);

    emu.requests.length = 0;
    const retry = withState({ path: 'hub', cluster: 'infra' });
    await action().handler(retry.ctx);
    // Only the objects without a checkpoint were applied; the others report their first result.
    expect(applyPatches(emu)).toHaveLength(hubTotal - (half - 1));
    expect(retry.outputs.applied.map((a: any) => a.result)).toEqual(
      Array(hubTotal).fill('created'),
    );
    expect(state.size).toBe(hubTotal);
  });

  it('fails the task with the objects that are not ready when the wait times out', async () => {
    emu.autoReady = false;
    const { ctx } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
      waitTimeout: '300ms',
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(
      /objects in cluster infra were not ready after 300ms/,
    );
    await expect(p).rejects.toThrow(
      'VMCluster/monitoring/hub (status not reported)',
    );
    await expect(p).rejects.toThrow(
      /Deployment\/monitoring\/\S+ \(0\/\d+ replicas ready\)/,
    );
    // Everything was applied; only readiness failed.
    expect(emu.objects()).toHaveLength(hubTotal);
  });

  it('passes once the operator reports operational and the replicas are ready', async () => {
    emu.autoReady = false;
    const { ctx, logged } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
      waitTimeout: '5s',
    });
    const p = action().handler(ctx);
    const timer = setInterval(() => {
      if (logged.some(l => l.startsWith('waiting for'))) {
        clearInterval(timer);
        emu.makeAllReady();
      }
    }, 10);
    await p;
    clearInterval(timer);
    expect(logged).toContain('All objects are ready in cluster infra');
  });

  it('gives a clear NotFoundError when the operator CRDs are not installed, applying nothing', async () => {
    await emu.close();
    emu = await KubeEmulator.start({
      resources: CORE_RESOURCES,
      autoReady: true,
    });
    const { ctx } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(NotFoundError);
    await expect(p).rejects.toThrow(
      /^the VictoriaMetrics operator CRDs are not installed in cluster infra/,
    );
    expect(emu.objects()).toEqual([]);
    expect(applyPatches(emu)).toEqual([]);

    emu.installResources([
      ...OPERATOR_RESOURCES,
      ...EXTERNAL_SECRETS_RESOURCES,
    ]);
    await run({ path: 'hub', cluster: 'infra' });
    expect(emu.objects()).toHaveLength(hubTotal);
  });

  it('gives a ConflictError naming the object and the other field manager, unless forced', async () => {
    await run({ path: 'hub', cluster: 'infra' });
    const kubectl = KubernetesObjectApi.makeApiClient(emu.kubeConfig());
    const cluster = hubObjects.find(o => o.kind === 'VMCluster');
    await kubectl.patch(
      { ...cluster, spec: { retentionPeriod: '1y' } },
      undefined,
      undefined,
      'kubectl',
      true,
      PatchStrategy.ServerSideApply,
    );
    const before = versions(emu);
    const { ctx } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(ConflictError);
    await expect(p).rejects.toThrow(
      'server dry-run of VMCluster/monitoring/hub in cluster infra: conflict with field manager "kubectl" on .spec.retentionPeriod',
    );
    expect(versions(emu)).toEqual(before);

    const { outputs } = await run({
      path: 'hub',
      cluster: 'infra',
      force: true,
    });
    expect(
      outputs.applied.find((a: any) => a.object === 'VMCluster/monitoring/hub')
        .result,
    ).toBe('configured');
    expect(
      emu.get(
        'operator.victoriametrics.com/v1beta1',
        'VMCluster',
        'monitoring',
        'hub',
      )!.spec.retentionPeriod,
    ).toBe('15d');
  });

  it('does not echo response bodies or tokens in errors', async () => {
    emu.failRequest(1, { status: 403 });
    const { ctx } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
    });
    const err = await action()
      .handler(ctx)
      .then(
        () => undefined,
        e => e,
      );
    expect(err.name).toBe('NotAllowedError');
    expect(err.message).not.toMatch(/Bearer|injected failure|Body|Headers/);
  });

  it.each([
    [
      { path: 'hub', cluster: 'nope' },
      /Unknown cluster "nope".*configured: infra/,
    ],
    [
      { path: 'missing', cluster: 'infra' },
      'path "missing" is not a folder in the workspace',
    ],
    [
      { path: '../outside', cluster: 'infra' },
      'path "../outside" is outside the workspace',
    ],
    [
      { path: 'hub', cluster: 'infra', waitTimeout: 'soon' },
      'waitTimeout "soon" is not a duration',
    ],
    [
      { path: 'hub', cluster: 'infra', waitTimeout: '2h' },
      'longer than the 1h the action waits at most',
    ],
    [
      { path: 'hub', cluster: 'infra', fieldManager: 'kubectl' },
      'fieldManager must be backstage-monitoring',
    ],
    [
      { path: 'hub', cluster: 'infra', fieldManager: 'backstage-monitoringx' },
      'fieldManager must be backstage-monitoring',
    ],
  ])('rejects bad input %j with an InputError', async (input, message) => {
    const { ctx } = mockContext(workspace, input);
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(message);
    expect(emu.requests).toEqual([]);
  });

  describe('applies only what a render action wrote', () => {
    const refused = async (
      input: Record<string, any>,
      message: RegExp | string,
    ) => {
      const { ctx } = mockContext(workspace, {
        secretValues: HUB_PROVIDED,
        ...input,
      });
      const p = action().handler(ctx);
      await expect(p).rejects.toThrow(message);
      expect(emu.requests).toEqual([]);
    };
    const binding = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'everyone-admin' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'cluster-admin',
      },
      subjects: [
        {
          kind: 'Group',
          name: 'system:authenticated',
          apiGroup: 'rbac.authorization.k8s.io',
        },
      ],
    };

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses a ClusterRoleBinding a template put beside the rendered files', async () => {
      fs.writeFileSync(
        path.join(workspace, 'hub', '000-escalate.yaml'),
        stringify(binding),
      );
      await refused(
        { path: 'hub', cluster: 'infra' },
        /hub\/000-escalate.yaml is not what a monitoring render action wrote/,
      );
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses a rendered file changed afterwards', async () => {
      const file = fs
        .readdirSync(path.join(workspace, 'hub'))
        .find(f => f.includes('-vmauth-'))!;
      fs.appendFileSync(
        path.join(workspace, 'hub', file),
        '  extraArgs: { "tls": "false" }\n',
      );
      await refused(
        { path: 'hub', cluster: 'infra' },
        `hub/${file} is not what a monitoring render action wrote`,
      );
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses a rendered file that was removed, and a folder no render wrote', async () => {
      const file = fs
        .readdirSync(path.join(workspace, 'hub'))
        .find(f => f.includes('-vmalert-'))!;
      fs.rmSync(path.join(workspace, 'hub', file));
      await refused(
        { path: 'hub', cluster: 'infra' },
        `hub: rendered files are missing: ${file}`,
      );
      fs.mkdirSync(path.join(workspace, 'handmade'));
      fs.writeFileSync(
        path.join(workspace, 'handmade', 'rbac.yaml'),
        stringify(binding),
      );
      await refused(
        { path: 'handmade', cluster: 'infra' },
        /handmade was not written by a monitoring render action/,
      );
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses a seal edited to drop a file, and files of another render moved in', async () => {
      const sealFile = path.join(
        workspace,
        'hub',
        '.monitoring',
        'render.json',
      );
      const seal = JSON.parse(fs.readFileSync(sealFile, 'utf8'));
      const dropped = Object.keys(seal.files).find(f =>
        f.includes('-vmalert-'),
      )!;
      delete seal.files[dropped];
      fs.writeFileSync(sealFile, JSON.stringify(seal));
      fs.rmSync(path.join(workspace, 'hub', dropped));
      await refused(
        { path: 'hub', cluster: 'infra' },
        /hub was not written by a monitoring render action/,
      );

      // A spoke's hub side, sealed as such, is not a target's set: its seal names its role.
      await renderHub(workspace);
      const spoke = await renderSpoke(workspace);
      fs.cpSync(
        path.join(workspace, spoke.outputPath, 'hub-side'),
        path.join(workspace, 'moved'),
        { recursive: true },
      );
      await refused(
        { path: 'moved', cluster: 'infra' },
        /moved was not written by a monitoring render action/,
      );
      // Nor can one render's file join another's folder, even with its own content.
      const vmuser = fs
        .readdirSync(path.join(workspace, 'moved'))
        .find(f => f.includes('-vmuser-'))!;
      fs.copyFileSync(
        path.join(workspace, 'moved', vmuser),
        path.join(workspace, 'hub', `099-${vmuser}`),
      );
      await refused(
        { path: 'hub', cluster: 'infra' },
        `hub/099-${vmuser} is not what a monitoring render action wrote`,
      );
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses any other file beside the manifests, YAML or not, and symlinks', async () => {
      fs.writeFileSync(
        path.join(workspace, 'hub', 'extra.json'),
        JSON.stringify(binding),
      );
      await refused(
        { path: 'hub', cluster: 'infra' },
        'hub/extra.json is not what a monitoring render action wrote',
      );
      fs.rmSync(path.join(workspace, 'hub', 'extra.json'));
      const file = fs
        .readdirSync(path.join(workspace, 'hub'))
        .find(f => f.includes('-vmauth-'))!;
      const outside = mockDir.resolve('outside.yaml');
      fs.renameSync(path.join(workspace, 'hub', file), outside);
      fs.symlinkSync(outside, path.join(workspace, 'hub', file));
      await refused(
        { path: 'hub', cluster: 'infra' },
        `hub/${file} is not what a monitoring render action wrote`,
      );
    });

    it('refuses what another backend (another key) sealed', async () => {
      const other = createApplyAction({
        authorization: allowAll,
        config: configFor({ infra: emu }),
        pollInterval: fast,
        seal: RenderSeal.random(),
      });
      const { ctx } = mockContext(workspace, {
        secretValues: HUB_PROVIDED,
        path: 'hub',
        cluster: 'infra',
      });
      await expect(other.handler(ctx)).rejects.toThrow(
        /hub was not written by a monitoring render action/,
      );
      expect(emu.requests).toEqual([]);
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it('refuses kinds and cluster-scoped names the builders never make, even sealed', async () => {
      fs.writeFileSync(
        path.join(workspace, 'hub', '000-escalate.yaml'),
        stringify(binding),
      );
      reseal(path.join(workspace, 'hub'));
      await refused(
        { path: 'hub', cluster: 'infra' },
        'ClusterRoleBinding everyone-admin is not one the render actions make',
      );
      fs.writeFileSync(
        path.join(workspace, 'hub', '000-escalate.yaml'),
        stringify({
          ...binding,
          kind: 'RoleBinding',
          metadata: { name: 'x', namespace: 'monitoring' },
        }),
      );
      reseal(path.join(workspace, 'hub'));
      await refused(
        { path: 'hub', cluster: 'infra' },
        'rbac.authorization.k8s.io/v1 RoleBinding is not a kind the monitoring render actions make',
      );
    });

    // eslint-disable-next-line jest/expect-expect -- asserts in refused
    it("refuses the builders' cluster-scoped RBAC names with other rules, roleRef or subjects, even sealed", async () => {
      const dir = path.join(workspace, 'hub');
      const edit = async (kind: string, change: (o: any) => any) => {
        const file = fs
          .readdirSync(dir)
          .find(f => f.includes(`-${kind.toLowerCase()}-kube-state-metrics-`))!;
        const original = fs.readFileSync(path.join(dir, file), 'utf8');
        fs.writeFileSync(
          path.join(dir, file),
          stringify(change(parse(original))),
        );
        reseal(dir); // as if a render had made it
        await refused(
          { path: 'hub', cluster: 'infra' },
          `hub/${file}: ${kind} kube-state-metrics-monitoring is not one the render actions make`,
        );
        fs.writeFileSync(path.join(dir, file), original);
      };
      await edit('ClusterRole', o => ({
        ...o,
        rules: [
          ...o.rules,
          { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
        ],
      }));
      await edit('ClusterRole', o => ({
        ...o,
        rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
      }));
      await edit('ClusterRole', o => ({
        ...o,
        aggregationRule: {
          clusterRoleSelectors: [{ matchLabels: { admin: 'true' } }],
        },
      }));
      await edit('ClusterRole', o => ({
        ...o,
        metadata: {
          ...o.metadata,
          labels: {
            ...o.metadata.labels,
            'rbac.authorization.k8s.io/aggregate-to-view': 'true',
          },
        },
      }));
      await edit('ClusterRoleBinding', o => ({
        ...o,
        roleRef: { ...o.roleRef, name: 'cluster-admin' },
      }));
      await edit('ClusterRoleBinding', o => ({
        ...o,
        subjects: [...o.subjects, binding.subjects[0]],
      }));
      await edit('ClusterRoleBinding', o => ({
        ...o,
        subjects: [{ ...o.subjects[0], name: 'default' }],
      }));
      // As rendered, they are applied.
      reseal(dir);
      await run({ path: 'hub', cluster: 'infra' });
      expect(
        emu.objects().filter(o => o.kind.startsWith('Cluster')),
      ).toHaveLength(2);
    });

    it('targets only the clusters of monitoring.apply.allowedClusters when it is set', async () => {
      const config = (configFor({ infra: emu }) as any).get();
      const limited = createApplyAction({
        authorization: allowAll,
        config: mockServices.rootConfig({
          data: {
            ...config,
            monitoring: {
              apply: {
                ...config.monitoring.apply,
                allowedClusters: ['prod-eu-1'],
              },
            },
          },
        }),
        pollInterval: fast,
      });
      const { ctx } = mockContext(workspace, {
        secretValues: HUB_PROVIDED,
        path: 'hub',
        cluster: 'infra',
      });
      await expect(limited.handler(ctx)).rejects.toThrow(NotAllowedError);
      await expect(limited.handler(ctx)).rejects.toThrow(
        'cluster "infra" is not in monitoring.apply.allowedClusters',
      );
      expect(emu.requests).toEqual([]);
    });
  });

  describe('stays inside its lane', () => {
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
      expect(emu.requests).toEqual([]);
      return err;
    };

    it('refuses a cluster without apply credentials of its own: no fallback to the Kubernetes plugin token', async () => {
      const data = (configFor({ infra: emu, other: emu }) as any).get();
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
      await renderHub(workspace, 'obs', { namespace: 'observability' });
      const err = await refusal(action(), { path: 'obs', cluster: 'infra' });
      expect(err).toBeInstanceOf(NotAllowedError);
      expect(err.message).toMatch(
        /^Namespace observability is outside the namespaces monitoring:apply may write into in cluster infra \(monitoring: monitoring\.apply\.clusters\[\]\.allowedNamespaces\), and \d+ more: ServiceAccount observability\/node-exporter, /,
      );

      // Where the cluster's entry allows it, the same set is applied.
      const widened = createApplyAction({
        authorization: allowAll,
        config: configFor(
          { infra: emu },
          { allowedNamespaces: ['monitoring', 'observability'] },
        ),
        pollInterval: fast,
      });
      const { ctx } = mockContext(workspace, {
        path: 'obs',
        cluster: 'infra',
        secretValues: HUB_PROVIDED.map(({ secret, values }) => ({
          secret: secret.replace(/^monitoring\//, 'observability/'),
          values,
        })),
      });
      await widened.handler(ctx);
      expect(emu.objects()).toHaveLength(hubTotal);
      expect(
        emu
          .objects()
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
    await run({ path: 'hub', cluster: 'infra' });
    const applier = new Applier({
      client: KubernetesObjectApi.makeApiClient(emu.kubeConfig()),
      cluster: 'infra',
      fieldManager: 'backstage-monitoring',
      force: true,
      logger: { info() {}, warn() {} },
    });
    expect(await applier.applyOne(rule('component:default/payments'))).toBe(
      'created',
    );
    await expect(
      applier.applyOne(rule('component:other-team/payments')),
    ).rejects.toThrow(ConflictError);
    await expect(
      applier.applyOne(rule('component:other-team/payments')),
    ).rejects.toThrow(
      'VMRule monitoring/payments-alerts in cluster infra belongs to component:default/payments, not component:other-team/payments',
    );
    expect(await applier.applyOne(rule('component:default/payments'))).toBe(
      'unchanged',
    );
  });

  it('rejects invalid manifests with an InputError before any request', async () => {
    const file = fs
      .readdirSync(path.join(workspace, 'hub'))
      .find(f => f.includes('-vmcluster-'))!;
    const obj = hubObjects.find(o => o.kind === 'VMCluster');
    fs.writeFileSync(
      path.join(workspace, 'hub', file),
      stringify({
        ...obj,
        spec: {
          ...obj.spec,
          vmstorage: { ...obj.spec.vmstorage, replicaCount: 'two' },
        },
      }),
    );
    reseal(path.join(workspace, 'hub'));
    const { ctx } = mockContext(workspace, {
      secretValues: HUB_PROVIDED,
      path: 'hub',
      cluster: 'infra',
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(
      'VMCluster/monitoring/hub: spec.vmstorage.replicaCount: must be integer',
    );
    expect(emu.requests).toEqual([]);
  });
});
