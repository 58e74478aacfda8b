/**
 * `monitoring:apply` with the `kubernetes` secret strategy, for a spoke admitted on the hub (two
 * real clusters): it creates the Secrets the rendered objects reference, with one generated
 * password shared by the spoke and the hub, kept on re-runs, and no value anywhere but in the
 * clusters. Each test renders its spoke into a namespace (and under a cluster name) of its own.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { PatchStrategy } from '@kubernetes/client-node';
import {
  BIN,
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { stringify } from 'yaml';
import { listFiles, mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  fast,
  listed,
  removeNodeExporters,
  renderSpoke,
} from '../__testUtils__/apply';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');

/** The spokes' namespaces (and cluster names), one per test. */
const SPOKES = ['admits', 'kept', 'reused', 'foreign', 'empty', 'none', 'ext'];

/** The External Secrets Operator's ExternalSecret kind, as far as these tests need it. */
const EXTERNAL_SECRET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'externalsecrets.external-secrets.io' },
  spec: {
    group: 'external-secrets.io',
    names: {
      kind: 'ExternalSecret',
      listKind: 'ExternalSecretList',
      plural: 'externalsecrets',
      singular: 'externalsecret',
    },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                'x-kubernetes-preserve-unknown-fields': true,
              },
            },
          },
        },
      },
    ],
  },
};

describe('monitoring:apply creates the Secrets of a spoke (kubernetes strategy)', () => {
  const mockDir = createMockDirectory();
  const workspace = mockDir.resolve('workspace');
  let hub: TestKubeCluster;
  let spoke: TestKubeCluster;

  beforeAll(async () => {
    [hub, spoke] = await Promise.all([
      startTestKubeCluster({
        name: 'infra',
        applyNamespaces: ['monitoring', ...SPOKES],
      }),
      startTestKubeCluster({
        name: 'prod-eu-1',
        applyNamespaces: ['monitoring', ...SPOKES],
      }),
    ]);
    // The hub is running: its namespace exists.
    await hub.admin.objects.patch(
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
  });
  afterAll(() => Promise.all([hub?.stop(), spoke?.stop()]));
  // Each spoke's node-exporter takes the nodes' host ports.
  afterEach(() => removeNodeExporters(spoke));

  const action = () =>
    createApplyAction({
      authorization: allowAll,
      config: configFor(
        { infra: hub, 'prod-eu-1': spoke },
        { allowedNamespaces: ['monitoring', ...SPOKES] },
      ),
      pollInterval: fast,
    });

  /** Renders a spoke named `name` into namespace `name` (sealed for prod-eu-1 and infra). */
  async function spokeNamed(name: string, extra: Record<string, unknown> = {}) {
    const rendered = await renderSpoke(
      workspace,
      { clusterName: name, namespace: name, ...extra },
      { cluster: 'prod-eu-1', hubCluster: 'infra' },
    );
    return {
      ...rendered,
      input: {
        path: rendered.outputPath,
        cluster: 'prod-eu-1',
        hubCluster: 'infra',
      },
      spokeReq: rendered.secrets.find(r => r.cluster === 'spoke')!,
      hubReq: rendered.secrets.find(r => r.cluster === 'hub')!,
    };
  }

  /** Runs the action, recording every log line (any level) and every checkpoint. */
  async function run(input: Record<string, unknown>) {
    const m = mockContext(workspace, input);
    const lines: string[] = [];
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

  const secret = (cluster: TestKubeCluster, ns: string, name: string) =>
    cluster.admin.read({
      apiVersion: 'v1',
      kind: 'Secret',
      namespace: ns,
      name,
    });
  const password = async (
    cluster: TestKubeCluster,
    req: { namespace: string; name: string },
  ) => decode((await secret(cluster, req.namespace, req.name))!.data.password);

  /** Puts a Secret into the hub as `manager`, optionally with the label apply puts on its own. */
  const hubSecret = (
    name: string,
    value: string,
    opts: { manager: string; createdByApply: boolean },
  ) =>
    hub.admin.objects.patch(
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
        data: { password: Buffer.from(value).toString('base64') },
      } as any,
      undefined,
      undefined,
      opts.manager,
      false,
      PatchStrategy.ServerSideApply,
    );

  it('admits a spoke: one generated password on both sides, hub side first, no value outside the clusters', async () => {
    const s = await spokeNamed('admits');
    const { outputs, lines, checkpoints } = await run(s.input);

    const spokeSecret = (await secret(
      spoke,
      s.spokeReq.namespace,
      s.spokeReq.name,
    ))!;
    const value = decode(spokeSecret.data.password);
    expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await password(hub, s.hubReq)).toBe(value);
    // The username is the non-secret identifier the hub's VMUser names.
    const vmUser = (
      await listed(
        hub,
        'operator.victoriametrics.com/v1beta1',
        'VMUser',
        'monitoring',
      )
    ).find(u => u.metadata.name === 'hub-spoke-admits')!;
    expect(decode(spokeSecret.data.username)).toBe(vmUser.spec.username);
    expect(spokeSecret.metadata.labels).toEqual({
      'monitoring.backstage.io/created-by': 'monitoring-apply',
    });
    expect(vmUser.spec.passwordRef).toEqual({
      name: s.hubReq.name,
      key: 'password',
    });

    // Hub side first: every hub object is applied before the first spoke object.
    const clusters = outputs.applied.map((a: any) => a.cluster);
    expect(clusters.lastIndexOf('infra')).toBeLessThan(
      clusters.indexOf('prod-eu-1'),
    );
    expect(outputs.applied).toContainEqual({
      object: `Secret/admits/${s.spokeReq.name}`,
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
    expect(everywhere).not.toContain(value);
    expect(everywhere).not.toContain(spokeSecret.data.password);
    expect(checkpoints.every(c => typeof c.value === 'string')).toBe(true);
    expect(lines()).toContain(
      `applied Secret admits/${s.spokeReq.name} (created) in cluster prod-eu-1`,
    );
  });

  it('keeps the passwords on a re-run, reporting the Secrets unchanged', async () => {
    const s = await spokeNamed('kept');
    await run(s.input);
    const first = (await secret(spoke, 'kept', s.spokeReq.name))!;
    const { outputs } = await run(s.input);
    const again = (await secret(spoke, 'kept', s.spokeReq.name))!;
    expect(again.data).toEqual(first.data);
    expect(again.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    expect(
      outputs.applied
        .filter((a: any) => a.object.startsWith('Secret/'))
        .map((a: any) => a.result),
    ).toEqual(['unchanged', 'unchanged']);
  });

  it('re-uses a password it created on one side and repairs the other', async () => {
    const s = await spokeNamed('reused');
    await hubSecret(s.hubReq.name, 'existing-hub-password', {
      manager: 'backstage-monitoring',
      createdByApply: true,
    });
    await run(s.input);
    expect(await password(spoke, s.spokeReq)).toBe('existing-hub-password');
    expect(await password(hub, s.hubReq)).toBe('existing-hub-password');
  });

  it('never copies a Secret it did not create: a conflict with its owner, found before anything changes; forced, a new password', async () => {
    const s = await spokeNamed('foreign');
    // Someone else's Secret of the same name: its value must not travel to the spoke.
    await hubSecret(s.hubReq.name, 'someone-elses-password', {
      manager: 'kubectl',
      createdByApply: false,
    });
    const audits = [auditFrom(hub), auditFrom(spoke)];
    await expect(
      action().handler(mockContext(workspace, s.input).ctx),
    ).rejects.toThrow(
      /^server dry-run of Secret\/monitoring\/hub-vmuser-spoke-foreign in cluster infra: conflict with field manager "kubectl" on \.data\.password/,
    );
    for (const audit of audits) expect(await audit.applies()).toEqual([]);
    // Taking the field over (force) sets a new password on both sides, not the one found.
    await run({ ...s.input, force: true });
    const taken = await password(spoke, s.spokeReq);
    expect(taken).not.toBe('someone-elses-password');
    expect(await password(hub, s.hubReq)).toBe(taken);
  });

  it('replaces an empty password of its own on both sides', async () => {
    const s = await spokeNamed('empty');
    await hubSecret(s.hubReq.name, '', {
      manager: 'backstage-monitoring',
      createdByApply: true,
    });
    await run(s.input);
    const value = await password(spoke, s.spokeReq);
    expect(value).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(await password(hub, s.hubReq)).toBe(value);
  });

  it('creates no Secret in a dry run, with createSecrets false, or with the external-secrets strategy', async () => {
    const s = await spokeNamed('none');
    const audits = [auditFrom(hub), auditFrom(spoke)];
    const dry = mockContext(workspace, s.input, true);
    await action().handler(dry.ctx);
    expect(
      dry.outputs.applied.filter((a: any) => a.object.startsWith('Secret/')),
    ).toHaveLength(2);
    for (const audit of audits) expect(await audit.byApply()).toEqual([]);

    await run({ ...s.input, createSecrets: false });
    expect(await secret(spoke, 'none', s.spokeReq.name)).toBeUndefined();
    expect(await secret(hub, 'monitoring', s.hubReq.name)).toBeUndefined();
    expect(await listed(spoke, 'v1', 'Secret', 'none')).toEqual([]);

    // Where the External Secrets Operator runs, its ExternalSecret makes the Secret instead.
    await removeNodeExporters(spoke);
    for (const c of [hub, spoke])
      execFileSync(
        BIN.kubectl,
        [
          `--kubeconfig=${c.adminKubeconfig}`,
          'apply',
          '--server-side',
          '-f',
          '-',
        ],
        { input: stringify(EXTERNAL_SECRET_CRD), timeout: 60_000 },
      );
    const external = await spokeNamed('ext', {
      secretStrategy: 'external-secrets',
    });
    await run(external.input);
    expect(await listed(spoke, 'v1', 'Secret', 'ext')).toEqual([]);
    expect(
      await listed(
        spoke,
        'external-secrets.io/v1beta1',
        'ExternalSecret',
        'ext',
      ),
    ).toHaveLength(1);
    expect(
      (
        await listed(
          hub,
          'external-secrets.io/v1beta1',
          'ExternalSecret',
          'monitoring',
        )
      ).map(e => e.metadata.name),
    ).toEqual(['hub-vmuser-spoke-ext']);
    expect(await secret(hub, 'monitoring', 'hub-vmuser-spoke-ext')).toBe(
      undefined,
    );
  });
});
