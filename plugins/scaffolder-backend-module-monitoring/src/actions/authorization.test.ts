/**
 * The actions act for the person who runs the task: a service's rules need
 * `monitoring.rules.write` on the component and its service's other owners, a hub or spoke needs
 * `monitoring.stack.write` on its cluster's Resource (or `monitoring.stack.create` for a cluster
 * the catalog lacks) - checked with the initiator's credentials, before anything is written,
 * in a dry run too.
 */
import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { listFiles, mockContext } from '../__testUtils__/actions';
import {
  clusterResource,
  component,
  Decide,
  testAuthorization,
} from '../__testUtils__/authorization';
import { createHubRenderAction } from './hubRender';
import { createServiceRenderAction } from './serviceRender';
import { createSpokeRenderAction } from './spokeRender';
import { examples as hubExamples } from './hubRender.examples';
import { examples as spokeExamples } from './spokeRender.examples';
import { exampleInput } from '../__testUtils__/actions';

const TRUSTED = 'file:/catalog/org.yaml';
const trustedOrigin = { 'backstage.io/managed-by-origin-location': TRUSTED };
const SHOP_OWNER = 'user:default/shop-owner';
const SEARCH_OWNER = 'user:default/search-owner';

/** Two teams: team-shop owns payments, team-search owns search. */
const ownsByUser: Record<string, string[]> = {
  [SHOP_OWNER]: ['component:default/payments', 'resource:default/hub-cluster'],
  [SEARCH_OWNER]: ['component:default/search', 'component:default/impostor'],
};
/** The example policy's shape: rules and stack writes for owners only, create for nobody. */
const ownersOnly: Decide = (permission, ref, user) =>
  permission === 'monitoring.stack.create'
    ? false
    : !!ref && (ownsByUser[user ?? ''] ?? []).includes(ref);

const payments = component('payments', {
  'backstage.io/kubernetes-id': 'payments',
  ...trustedOrigin,
});
const search = component(
  'search',
  { 'backstage.io/kubernetes-id': 'search', ...trustedOrigin },
  'team-search',
);
/** Registered later from anywhere: names payments' service. */
const impostor = component(
  'impostor',
  { 'backstage.io/kubernetes-id': 'payments' },
  'team-search',
);

describe('monitoring:service:render acts for the initiator', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => mockDir.clear());

  async function render(
    user: string,
    entityRef: string,
    opts: { trusted?: string[]; dryRun?: boolean; pullRequest?: boolean } = {},
  ) {
    const { authorization, requests } = testAuthorization({
      entities: [payments, search, impostor],
      decide: ownersOnly,
      trusted: opts.trusted ?? [TRUSTED],
    });
    const reads: string[] = [];
    const action = createServiceRenderAction({
      authorization,
      urlReader: {
        readUrl: async (url: string) => {
          reads.push(url);
          throw new Error('not reached');
        },
      } as any,
    });
    const workspace = mockDir.resolve(`ws-${Math.random()}`);
    const { ctx } = mockContext(
      workspace,
      { entityRef, ...(opts.pullRequest ? { pullRequest: true } : {}) },
      opts.dryRun ?? false,
      user,
    );
    const run = action.handler(ctx);
    return { run, workspace, requests, reads };
  }

  it('refuses a non-owner before anything is written, naming the permission and the entity', async () => {
    const { run, workspace, requests } = await render(
      SEARCH_OWNER,
      'component:default/payments',
    );
    await expect(run).rejects.toThrow(NotAllowedError);
    await expect(run).rejects.toThrow(
      'user:default/search-owner may not change the alert rules of component:default/payments: permission monitoring.rules.write on component:default/payments was denied',
    );
    expect(listFiles(workspace)).toEqual([]);
    expect(requests).toEqual([
      {
        permission: 'monitoring.rules.write',
        resourceRef: 'component:default/payments',
      },
    ]);
  });

  it('refuses a non-owner in a dry run the same way', async () => {
    const { run, workspace } = await render(
      SEARCH_OWNER,
      'component:default/payments',
      { dryRun: true },
    );
    await expect(run).rejects.toThrow(
      'permission monitoring.rules.write on component:default/payments was denied',
    );
    expect(listFiles(workspace)).toEqual([]);
  });

  it('renders for the owner; an untrusted entity naming the same service neither blocks nor is asked', async () => {
    const { run, workspace, requests } = await render(
      SHOP_OWNER,
      'component:default/payments',
    );
    await run;
    expect(listFiles(workspace).length).toBeGreaterThan(0);
    expect(requests.map(r => r.resourceRef)).toEqual([
      'component:default/payments',
    ]);
  });

  it("refuses the impostor's owners: the service's trusted owner must allow it too", async () => {
    const { run, workspace } = await render(
      SEARCH_OWNER,
      'component:default/impostor',
    );
    await expect(run).rejects.toThrow(
      'its service "payments" is also owned by 1 other entity on which permission monitoring.rules.write was denied',
    );
    expect(listFiles(workspace)).toEqual([]);
  });

  it("refuses rules that point the owner's component at another team's service", async () => {
    // search-owner owns search, and asks its rules to select payments' series.
    const { authorization } = testAuthorization({
      entities: [payments, search, impostor],
      decide: ownersOnly,
      trusted: [TRUSTED],
    });
    const workspace = mockDir.resolve('steer');
    const { ctx } = mockContext(
      workspace,
      { entityRef: 'component:default/search', kubernetesId: 'payments' },
      false,
      SEARCH_OWNER,
    );
    await expect(
      createServiceRenderAction({ authorization }).handler(ctx),
    ).rejects.toThrow(
      'its service "payments" is also owned by 1 other entity on which permission monitoring.rules.write was denied',
    );
    expect(listFiles(workspace)).toEqual([]);
  });

  it('without a trusted claimant every claimant is an owner (fail closed)', async () => {
    const { run } = await render(SHOP_OWNER, 'component:default/payments', {
      trusted: [],
    });
    await expect(run).rejects.toThrow('is also owned by 1 other entity');
  });

  it("reads no descriptor with the backend's integrations in a dry run", async () => {
    const github = component('payments', {
      'backstage.io/kubernetes-id': 'payments',
      ...trustedOrigin,
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/shop/blob/main/catalog-info.yaml',
    });
    const { authorization } = testAuthorization({
      entities: [github],
      decide: ownersOnly,
      trusted: [TRUSTED],
    });
    const reads: string[] = [];
    const action = createServiceRenderAction({
      authorization,
      urlReader: {
        readUrl: async (url: string) => {
          reads.push(url);
          return { buffer: async () => Buffer.from('') } as any;
        },
      } as any,
    });
    const { ctx, logged } = mockContext(
      mockDir.resolve('dry'),
      { entityRef: 'component:default/payments', pullRequest: true },
      true,
      SHOP_OWNER,
    );
    await action.handler(ctx);
    expect(reads).toEqual([]);
    expect(logged.some(l => l.includes('the descriptor was not read'))).toBe(
      true,
    );
  });
});

describe('hub and spoke renders act for the initiator', () => {
  const mockDir = createMockDirectory();
  beforeEach(() => mockDir.clear());

  const hubInput = exampleInput(hubExamples[0].example);
  const spokeInput = exampleInput(spokeExamples[0].example);

  it("renders the hub for the cluster's owner and refuses anyone else", async () => {
    const { authorization } = testAuthorization({
      entities: [clusterResource('hub-cluster')],
      decide: ownersOnly,
    });
    const action = createHubRenderAction({ authorization });
    const owner = mockContext(
      mockDir.resolve('a'),
      hubInput,
      false,
      SHOP_OWNER,
    );
    await action.handler(owner.ctx);
    expect(listFiles(mockDir.resolve('a')).length).toBeGreaterThan(0);

    const other = mockContext(
      mockDir.resolve('b'),
      hubInput,
      true,
      SEARCH_OWNER,
    );
    await expect(action.handler(other.ctx)).rejects.toThrow(
      'user:default/search-owner may not render the monitoring hub of cluster hub-cluster: permission monitoring.stack.write on resource:default/hub-cluster was denied',
    );
    expect(listFiles(mockDir.resolve('b'))).toEqual([]);
  });

  it('asks monitoring.stack.write for a cluster the initiator cannot see, not .create', async () => {
    const asked: string[] = [];
    const { authorization } = testAuthorization({
      entities: [clusterResource('hub-cluster')],
      decide: (permission, ref) => {
        asked.push(`${permission} ${ref ?? ''}`.trim());
        // Create for everyone; the cluster itself: nobody.
        return permission === 'monitoring.stack.create';
      },
    });
    const credentials = mockCredentials.user(SEARCH_OWNER);
    await expect(
      authorization.stack(
        'hub-cluster',
        credentials,
        'render the monitoring hub of',
      ),
    ).rejects.toThrow(
      'permission monitoring.stack.write on resource:default/hub-cluster was denied',
    );
    expect(asked).toEqual([
      'monitoring.stack.write resource:default/hub-cluster',
    ]);
  });

  it('needs monitoring.stack.create for a cluster the catalog does not have', async () => {
    const created: string[] = [];
    const { authorization } = testAuthorization({
      entities: [],
      decide: (permission, _ref, user) => {
        if (permission === 'monitoring.stack.create') created.push(user!);
        return permission === 'monitoring.stack.create' && user === SHOP_OWNER;
      },
    });
    const action = createSpokeRenderAction({ authorization });
    await action.handler(
      mockContext(mockDir.resolve('a'), spokeInput, false, SHOP_OWNER).ctx,
    );
    const refused = mockContext(
      mockDir.resolve('b'),
      spokeInput,
      false,
      SEARCH_OWNER,
    );
    await expect(action.handler(refused.ctx)).rejects.toThrow(
      `may not render the monitoring spoke of cluster ${spokeInput.clusterName}: it is not in the catalog (resource:default/${spokeInput.clusterName}) and permission monitoring.stack.create was denied`,
    );
    expect(created).toEqual([SHOP_OWNER, SEARCH_OWNER]);
    expect(listFiles(mockDir.resolve('b'))).toEqual([]);
  });
});
