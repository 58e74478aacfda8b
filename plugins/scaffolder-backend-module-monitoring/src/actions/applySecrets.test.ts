// Over 400 lines: one suite of the Secrets apply creates, sharing the emulator set-up.
/**
 * `monitoring:apply` with the `kubernetes` secret strategy: it creates the Secrets the rendered
 * objects reference, with one generated password shared by a spoke and the hub, kept on
 * re-runs, and no value anywhere but in the clusters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { listFiles, mockContext } from '../__testUtils__/actions';
import {
  ALL_RESOURCES,
  HUB_PROVIDED,
  HUB_PROVIDED_VALUES,
  applyPatches,
  configFor,
  fast,
  renderHub,
  renderSpoke,
  reseal,
} from '../__testUtils__/apply';
import { KubeEmulator } from '@internal/monitoring-kube-emulator';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

describe('monitoring:apply creates the Secrets (kubernetes strategy)', () => {
  const mockDir = createMockDirectory();
  let hub: KubeEmulator;
  let spoke: KubeEmulator;
  let workspace: string;

  beforeEach(async () => {
    mockDir.clear();
    workspace = mockDir.resolve('workspace');
    hub = await KubeEmulator.start({
      resources: ALL_RESOURCES,
      autoReady: true,
    });
    spoke = await KubeEmulator.start({
      resources: ALL_RESOURCES,
      autoReady: true,
    });
  });
  afterEach(async () => {
    await hub.close();
    await spoke.close();
  });

  const action = () =>
    createApplyAction({
      authorization: allowAll,
      config: configFor({ infra: hub, 'prod-eu-1': spoke }),
      pollInterval: fast,
    });

  /** Runs the action, recording every log line (any level) and every checkpoint. */
  async function run(input: Record<string, unknown>) {
    const m = mockContext(workspace, input);
    const lines: string[] = [...m.logged];
    for (const level of ['warn', 'error', 'debug'] as const) {
      jest
        .spyOn(m.ctx.logger, level)
        .mockImplementation(((msg: unknown) => lines.push(String(msg))) as any);
    }
    const checkpoints: Array<{ key: string; value: unknown }> = [];
    m.ctx.checkpoint = (async (opts: {
      key: string;
      fn: () => Promise<unknown>;
    }) => {
      const value = await opts.fn();
      checkpoints.push({ key: opts.key, value });
      return value;
    }) as any;
    await action().handler(m.ctx);
    return { ...m, lines: () => [...m.logged, ...lines], checkpoints };
  }

  /** A spoke joins a running hub: its namespace exists. */
  const hubRunning = () =>
    KubernetesObjectApi.makeApiClient(hub.kubeConfig()).patch(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'monitoring' },
      } as any,
      undefined,
      undefined,
      'kubectl',
      false,
      PatchStrategy.ServerSideApply,
    );

  const secret = (emu: KubeEmulator, ns: string, name: string) =>
    emu.get('v1', 'Secret', ns, name);

  it('admits a spoke: one generated password on both sides, hub side first, no value outside the clusters', async () => {
    await hubRunning();
    const rendered = await renderSpoke(workspace);
    const { outputs, lines, checkpoints } = await run({
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    });

    const spokeReq = rendered.secrets.find(r => r.cluster === 'spoke')!;
    const hubReq = rendered.secrets.find(r => r.cluster === 'hub')!;
    const spokeSecret = secret(spoke, spokeReq.namespace, spokeReq.name)!;
    const hubSideSecret = secret(hub, hubReq.namespace, hubReq.name)!;
    const password = decode(spokeSecret.data.password);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(decode(hubSideSecret.data.password)).toBe(password);
    // The username is the non-secret identifier the hub's VMUser names.
    const vmUser = hub.objects().find(o => o.kind === 'VMUser')!;
    expect(decode(spokeSecret.data.username)).toBe(vmUser.spec.username);
    expect(spokeSecret.metadata.labels).toEqual({
      'monitoring.backstage.io/created-by': 'monitoring-apply',
    });
    expect(vmUser.spec.passwordRef).toEqual({
      name: hubReq.name,
      key: 'password',
    });

    // Hub side first: every hub object is applied before the first spoke object.
    const clusters = outputs.applied.map((a: any) => a.cluster);
    expect(clusters.lastIndexOf('infra')).toBeLessThan(
      clusters.indexOf('prod-eu-1'),
    );
    expect(outputs.applied).toContainEqual({
      object: `Secret/${spokeReq.namespace}/${spokeReq.name}`,
      cluster: 'prod-eu-1',
      result: 'created',
    });

    // The value is nowhere but in the clusters: not in the workspace, the log, the outputs or the
    // task state the checkpoints keep.
    const everywhere = [
      ...listFiles(workspace).map(f =>
        fs.readFileSync(path.join(workspace, f), 'utf8'),
      ),
      ...lines(),
      JSON.stringify(outputs),
      JSON.stringify(checkpoints),
    ].join('\n');
    expect(everywhere).not.toContain(password);
    expect(everywhere).not.toContain(spokeSecret.data.password);
    expect(checkpoints.every(c => typeof c.value === 'string')).toBe(true);
    expect(lines()).toContain(
      `applied Secret ${spokeReq.namespace}/${spokeReq.name} (created) in cluster prod-eu-1`,
    );
  });

  it('keeps the passwords on a re-run, reporting the Secrets unchanged', async () => {
    await hubRunning();
    const rendered = await renderSpoke(workspace);
    const input = {
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    };
    await run(input);
    const req = rendered.secrets.find(r => r.cluster === 'spoke')!;
    const first = secret(spoke, req.namespace, req.name)!;
    const { outputs } = await run(input);
    const again = secret(spoke, req.namespace, req.name)!;
    expect(again.data).toEqual(first.data);
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(
      outputs.applied
        .filter((a: any) => a.object.startsWith('Secret/'))
        .map((a: any) => a.result),
    ).toEqual(['unchanged', 'unchanged']);
  });

  /** Puts a Secret into the hub as `manager`, optionally with the label apply puts on its own. */
  async function hubSecret(
    name: string,
    password: string,
    opts: { manager: string; createdByApply: boolean },
  ) {
    await KubernetesObjectApi.makeApiClient(hub.kubeConfig()).patch(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name,
          namespace: 'monitoring',
          ...(opts.createdByApply
            ? {
                labels: {
                  'monitoring.backstage.io/created-by': 'monitoring-apply',
                },
              }
            : {}),
        },
        data: { password: Buffer.from(password).toString('base64') },
      } as any,
      undefined,
      undefined,
      opts.manager,
      false,
      PatchStrategy.ServerSideApply,
    );
  }

  it('re-uses a password it created on one side and repairs the other', async () => {
    const rendered = await renderSpoke(workspace);
    const hubReq = rendered.secrets.find(r => r.cluster === 'hub')!;
    await hubRunning();
    await hubSecret(hubReq.name, 'existing-hub-password', {
      manager: 'backstage-monitoring',
      createdByApply: true,
    });
    await run({
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    });
    const spokeReq = rendered.secrets.find(r => r.cluster === 'spoke')!;
    expect(
      decode(secret(spoke, spokeReq.namespace, spokeReq.name)!.data.password),
    ).toBe('existing-hub-password');
    expect(
      decode(secret(hub, hubReq.namespace, hubReq.name)!.data.password),
    ).toBe('existing-hub-password');
  });

  it('never copies a Secret it did not create, and an empty password is replaced', async () => {
    const rendered = await renderSpoke(workspace);
    const hubReq = rendered.secrets.find(r => r.cluster === 'hub')!;
    const spokeReq = rendered.secrets.find(r => r.cluster === 'spoke')!;
    await hubRunning();
    // Someone else's Secret of the same name: its value must not travel to the spoke; applying
    // over it is a conflict with its owner, found before anything changes.
    await hubSecret(hubReq.name, 'someone-elses-password', {
      manager: 'kubectl',
      createdByApply: false,
    });
    const { ctx } = mockContext(workspace, {
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    });
    await expect(action().handler(ctx)).rejects.toThrow(
      /conflict with field manager "kubectl" on \.data\.password/,
    );
    expect(spoke.objects()).toEqual([]);
    // Taking the field over (force) sets a new password on both sides, not the one found.
    await run({
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
      force: true,
    });
    const taken = decode(
      secret(spoke, spokeReq.namespace, spokeReq.name)!.data.password,
    );
    expect(taken).not.toBe('someone-elses-password');
    expect(
      decode(secret(hub, hubReq.namespace, hubReq.name)!.data.password),
    ).toBe(taken);

    // One of its own, but empty: a new password on both sides.
    await hub.close();
    hub = await KubeEmulator.start({
      resources: ALL_RESOURCES,
      autoReady: true,
    });
    await hubRunning();
    await hubSecret(hubReq.name, '', {
      manager: 'backstage-monitoring',
      createdByApply: true,
    });
    await run({
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    });
    const password = decode(
      secret(spoke, spokeReq.namespace, spokeReq.name)!.data.password,
    );
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(
      decode(secret(hub, hubReq.namespace, hubReq.name)!.data.password),
    ).toBe(password);
  });

  it("creates the hub's Secrets with the provided values and generated passwords", async () => {
    const rendered = await renderHub(workspace);
    const { lines } = await run({
      path: 'hub',
      cluster: 'infra',
      secretValues: HUB_PROVIDED,
    });
    const db = secret(hub, 'monitoring', 'hub-grafana-database')!;
    expect(
      Object.fromEntries(
        Object.entries<string>(db.data).map(([k, v]) => [k, decode(v)]),
      ),
    ).toEqual(HUB_PROVIDED_VALUES['monitoring/hub-grafana-database']);
    const admin = secret(hub, 'monitoring', 'hub-grafana-admin')!;
    expect(decode(admin.data['admin-user'])).toBe('admin');
    const portal = decode(
      secret(hub, 'monitoring', 'hub-vmuser-portal')!.data.password,
    );
    const grafana = decode(
      secret(hub, 'monitoring', 'hub-vmuser-grafana')!.data.password,
    );
    expect(portal).not.toBe(grafana);
    expect(hub.objects().filter(o => o.kind === 'Secret')).toHaveLength(
      rendered.secrets.length,
    );
    const log = lines().join('\n');
    for (const v of [
      portal,
      grafana,
      HUB_PROVIDED_VALUES['monitoring/hub-grafana-database'].password,
    ]) {
      expect(log).not.toContain(v);
    }
  });

  it('refuses before changing anything when values only the operator has are missing', async () => {
    await renderHub(workspace);
    const { ctx } = mockContext(workspace, {
      path: 'hub',
      cluster: 'infra',
      // An empty value (an unset template secret) counts as not given.
      secretValues: [
        {
          secret: 'monitoring/hub-grafana-database',
          values: {
            host: 'pg:5432',
            database: 'grafana',
            user: 'grafana',
            password: '',
          },
        },
      ],
    });
    const p = action().handler(ctx);
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(
      'These Secrets need values only the operator has: monitoring/hub-grafana-database in cluster infra (password); monitoring/hub-alertmanager in cluster infra (alertmanager.yaml)',
    );
    expect(applyPatches(hub)).toEqual([]);
    expect(hub.objects()).toEqual([]);
  });

  it('takes operator-provided values that already exist in the cluster', async () => {
    await renderHub(workspace);
    await run({ path: 'hub', cluster: 'infra', secretValues: HUB_PROVIDED });
    // A second run without secretValues finds them in the cluster.
    const { outputs } = await run({ path: 'hub', cluster: 'infra' });
    expect(outputs.applied.every((a: any) => a.result === 'unchanged')).toBe(
      true,
    );
  });

  it.each([
    [
      'a spoke without hubCluster',
      async () => ({
        path: (await renderSpoke(workspace)).outputPath,
        cluster: 'prod-eu-1',
      }),
      /needs Secrets on both the spoke and the hub .* set hubCluster/,
    ],
    [
      'hubCluster for a hub',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          hubCluster: 'infra',
          secretValues: HUB_PROVIDED,
        };
      },
      'hubCluster is set, but "hub" has no hub-side/ folder',
    ],
    [
      'secretValues for a key no Secret has',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          secretValues: [
            ...HUB_PROVIDED,
            { secret: 'monitoring/hub-grafana-admin', values: { token: 'x' } },
          ],
        };
      },
      'secretValues names keys no rendered Secret has: monitoring/hub-grafana-admin key token',
    ],
    [
      'secretValues for a generated key',
      async () => {
        await renderHub(workspace);
        return {
          path: 'hub',
          cluster: 'infra',
          secretValues: [
            ...HUB_PROVIDED,
            {
              secret: 'monitoring/hub-vmuser-portal',
              values: { password: 'chosen' },
            },
          ],
        };
      },
      'secretValues sets keys that are generated or fixed, not provided by the operator: monitoring/hub-vmuser-portal key password',
    ],
    [
      'a malformed secret-requirements.json',
      async () => {
        await renderHub(workspace);
        fs.writeFileSync(
          path.join(
            workspace,
            'hub',
            '.monitoring',
            'secret-requirements.json',
          ),
          '[{"cluster":"moon"}]',
        );
        reseal(path.join(workspace, 'hub'));
        return { path: 'hub', cluster: 'infra' };
      },
      /hub\/.monitoring\/secret-requirements.json: 0.cluster: Invalid enum value/,
    ],
  ])(
    'rejects %s with an InputError, applying nothing',
    async (_what, setup, message) => {
      const { ctx } = mockContext(workspace, await setup());
      const p = action().handler(ctx);
      await expect(p).rejects.toThrow(InputError);
      await expect(p).rejects.toThrow(message);
      expect(applyPatches(hub)).toEqual([]);
      expect(applyPatches(spoke)).toEqual([]);
    },
  );

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
      expect(hub.requests).toEqual([]);
      expect(spoke.requests).toEqual([]);
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
          { infra: hub, 'prod-eu-1': spoke },
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
      const data = (configFor({ infra: hub, 'prod-eu-1': spoke }) as any).get();
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

  it('creates no Secret with createSecrets false, in a dry run, or with the external-secrets strategy', async () => {
    await hubRunning();
    hub.requests.length = 0;
    const rendered = await renderSpoke(workspace);
    const input = {
      path: rendered.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    };
    const dry = mockContext(workspace, input, true);
    await action().handler(dry.ctx);
    expect(
      dry.outputs.applied.filter((a: any) => a.object.startsWith('Secret/')),
    ).toHaveLength(2);
    expect(
      hub
        .objects()
        .concat(spoke.objects())
        .filter(o => o.kind !== 'Namespace'),
    ).toEqual([]);
    expect(applyPatches(hub).concat(applyPatches(spoke))).toEqual([]);

    await run({ ...input, createSecrets: false });
    expect(
      hub
        .objects()
        .concat(spoke.objects())
        .filter(o => o.kind === 'Secret'),
    ).toEqual([]);

    const external = await renderSpoke(
      workspace,
      { clusterName: 'dev-1', secretStrategy: 'external-secrets' },
      { cluster: 'prod-eu-1' },
    );
    await run({
      path: external.outputPath,
      cluster: 'prod-eu-1',
      hubCluster: 'infra',
    });
    expect(spoke.objects().filter(o => o.kind === 'Secret')).toEqual([]);
    expect(
      spoke.objects().filter(o => o.kind === 'ExternalSecret'),
    ).toHaveLength(1);
  });
});
