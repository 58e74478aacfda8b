/**
 * `monitoring:apply` applies only what a render action of the same task sealed, and stays in
 * the namespaces its cluster entry allows: refused before any request reaches the cluster (its
 * audit log says so), and applied as rendered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotAllowedError } from '@backstage/errors';
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
  renderHub,
  renderSpoke,
  reseal,
} from '../__testUtils__/apply';
import { RenderSeal } from '../apply/seal';
import { createApplyAction } from './apply';
import { testAuthorization } from '../__testUtils__/authorization';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

/** The initiator may do anything: these tests are about apply itself. */
const allowAll = testAuthorization().authorization;

describe('monitoring:apply refuses', () => {
  const mockDir = createMockDirectory();
  let cluster: TestKubeCluster;
  let audit: ReturnType<typeof auditFrom>;
  let workspace: string;

  beforeAll(async () => {
    cluster = await startTestKubeCluster({ name: 'infra' });
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
      config: configFor({ infra: cluster }),
      pollInterval: fast,
    });
  const run = async (input: Record<string, any>) => {
    const m = mockContext(workspace, { secretValues: HUB_PROVIDED, ...input });
    await action().handler(m.ctx);
    return m;
  };

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
      await nothingAsked();
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
        config: configFor({ infra: cluster }),
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
      await nothingAsked();
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
      for (const kind of ['ClusterRole', 'ClusterRoleBinding']) {
        const applied = await cluster.admin.read({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind,
          name: 'kube-state-metrics-monitoring',
        });
        expect(
          applied?.metadata?.managedFields?.map((m: any) => m.manager),
        ).toEqual(['backstage-monitoring']);
      }
    });

    it('targets only the clusters of monitoring.apply.allowedClusters when it is set', async () => {
      const config = (configFor({ infra: cluster }) as any).get();
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
      await nothingAsked();
    });
  });
});
