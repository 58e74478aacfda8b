/**
 * `monitoring:apply` acts for the task's initiator and only on what a render of the same task
 * sealed for the target cluster: a service's rules need `monitoring.rules.write` on the
 * component the seal names, a hub or spoke `monitoring.stack.write` on the target cluster's
 * Resource - decided before any cluster is called.
 */
import { createMockDirectory } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  startTestKubeCluster,
  TestKubeCluster,
} from '@internal/monitoring-local-stack';
import { mockContext } from '../__testUtils__/actions';
import {
  auditFrom,
  CLUSTER_TEST_TIMEOUT_MS,
  configFor,
  HUB_PROVIDED,
  fast,
  listed,
  renderHub,
} from '../__testUtils__/apply';
import {
  clusterResource,
  component,
  Decide,
  testAuthorization,
} from '../__testUtils__/authorization';
import { createApplyAction } from './apply';
import { createServiceRenderAction } from './serviceRender';

jest.setTimeout(CLUSTER_TEST_TIMEOUT_MS);

const OWNER = 'user:default/shop-owner';
const STRANGER = 'user:default/search-owner';
const owns: Record<string, string[]> = {
  [OWNER]: ['component:default/payments', 'resource:default/infra'],
  [STRANGER]: [],
};
const ownersOnly: Decide = (permission, ref, user) =>
  permission !== 'monitoring.stack.create' &&
  !!ref &&
  (owns[user ?? ''] ?? []).includes(ref);

describe('monitoring:apply acts for the initiator', () => {
  const mockDir = createMockDirectory();
  let cluster: TestKubeCluster;
  let audit: ReturnType<typeof auditFrom>;
  let workspace: string;
  const { authorization, requests } = testAuthorization({
    entities: [
      component('payments', { 'backstage.io/kubernetes-id': 'payments' }),
      clusterResource('infra'),
    ],
    decide: ownersOnly,
  });

  beforeAll(async () => {
    cluster = await startTestKubeCluster({ name: 'infra' });
    audit = auditFrom(cluster);
  });
  afterAll(() => cluster?.stop());
  beforeEach(() => {
    mockDir.clear();
    requests.length = 0;
    workspace = mockDir.resolve('workspace');
    audit.reset();
  });

  /** No request of apply's (or the portal's) reached the cluster. */
  const nothingAsked = async () => {
    expect(await audit.byApply()).toEqual([]);
    expect(await audit.byPortal()).toEqual([]);
  };
  const vmRules = () =>
    listed(
      cluster,
      'operator.victoriametrics.com/v1beta1',
      'VMRule',
      'monitoring',
    );

  const apply = (
    input: Record<string, unknown>,
    user: string,
    task = 'mock-task-id',
  ) => {
    const { ctx } = mockContext(workspace, input, false, user);
    ctx.task = { id: task };
    return createApplyAction({
      authorization,
      // `other` is a second name for the same cluster: one the render was not for.
      config: configFor({ infra: cluster, other: cluster }),
      pollInterval: fast,
    }).handler(ctx);
  };

  /** payments' rules, rendered by its owner in this task, for `hubCluster`. */
  async function renderRules(hubCluster?: string) {
    const { ctx, outputs } = mockContext(
      workspace,
      {
        entityRef: 'component:default/payments',
        namespace: 'monitoring',
        ...(hubCluster ? { hubCluster } : {}),
      },
      false,
      OWNER,
    );
    await createServiceRenderAction({ authorization }).handler(ctx);
    return outputs.path as string;
  }

  it("applies a service's rules for its owner, and refuses anyone else before any cluster is called", async () => {
    // The hub first (its owner may), so the rule's namespace exists.
    await renderHub(workspace);
    await apply(
      { path: 'hub', cluster: 'infra', secretValues: HUB_PROVIDED },
      OWNER,
    );
    audit.reset();
    const path = await renderRules('infra');
    const refused = apply({ path, cluster: 'infra' }, STRANGER);
    await expect(refused).rejects.toThrow(NotAllowedError);
    await expect(refused).rejects.toThrow(
      'user:default/search-owner may not change the alert rules of component:default/payments',
    );
    await nothingAsked();

    await apply({ path, cluster: 'infra', waitTimeout: '5s' }, OWNER);
    expect((await vmRules()).map(o => o.metadata.name)).toContainEqual(
      expect.stringMatching(/^payments-alerts-[0-9a-f]{6}$/),
    );
    // The component is checked again at apply (rules.write), not the hub cluster's stack.
    expect(requests.at(-1)).toEqual({
      permission: 'monitoring.rules.write',
      resourceRef: 'component:default/payments',
    });
  });

  it("never replaces the hub's own rules with a service's, forced or not", async () => {
    await renderHub(workspace);
    await apply(
      { path: 'hub', cluster: 'infra', secretValues: HUB_PROVIDED },
      OWNER,
    );
    const hubRule = (await vmRules()).find(
      o => o.metadata.name === 'hub-service-slo',
    )!;
    expect(hubRule).toBeDefined();
    audit.reset();
    // payments' owner names its rule like the hub's.
    const { ctx, outputs } = mockContext(
      workspace,
      {
        entityRef: 'component:default/payments',
        namespace: 'monitoring',
        ruleName: 'hub-service-slo',
        hubCluster: 'infra',
      },
      false,
      OWNER,
    );
    await createServiceRenderAction({ authorization }).handler(ctx);
    for (const force of [false, true]) {
      await expect(
        apply({ path: outputs.path, cluster: 'infra', force }, OWNER),
      ).rejects.toThrow(
        'belongs to no catalog entity (the hub or another tool made it), not component:default/payments',
      );
    }
    const after = (await vmRules()).find(
      o => o.metadata.name === 'hub-service-slo',
    )!;
    expect(after.spec).toEqual(hubRule.spec);
  });

  it('applies a render only in its own task, to its own cluster', async () => {
    const path = await renderRules('infra');
    await expect(apply({ path, cluster: 'other' }, OWNER)).rejects.toThrow(
      'was rendered for cluster infra, not other',
    );
    await expect(
      apply({ path, cluster: 'infra' }, OWNER, 'another-task'),
    ).rejects.toThrow(InputError);
    await expect(
      apply({ path, cluster: 'infra' }, OWNER, 'another-task'),
    ).rejects.toThrow('was rendered by another task');
    await nothingAsked();
  });

  it('refuses a render made without a target cluster', async () => {
    const path = await renderRules();
    await expect(apply({ path, cluster: 'infra' }, OWNER)).rejects.toThrow(
      'was rendered without a target cluster, so it cannot be applied',
    );
    await nothingAsked();
  });

  it("applies the hub only for the target cluster's owners", async () => {
    await renderHub(workspace);
    const refused = apply({ path: 'hub', cluster: 'infra' }, STRANGER);
    await expect(refused).rejects.toThrow(
      'user:default/search-owner may not apply the monitoring stack to cluster infra: permission monitoring.stack.write on resource:default/infra was denied',
    );
    await nothingAsked();
  });
});
