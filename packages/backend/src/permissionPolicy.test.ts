/**
 * The example policy, evaluated for two teams: its conditional decisions are resolved on the
 * entities as the real catalog backend processed them (ownership relations included), with the
 * catalog's own permission rules.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogBackend from '@backstage/plugin-catalog-backend';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import permissionBackend from '@backstage/plugin-permission-backend';
import request from 'supertest';
import { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  Permission,
  PermissionCondition,
  PermissionCriteria,
} from '@backstage/plugin-permission-common';
import { kubernetesPermissions } from '@backstage/plugin-kubernetes-common';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import policyModule, {
  EXAMPLE_POLICY,
  MonitoringExamplePolicy,
  PLATFORM_TEAM,
} from './permissionPolicy';

/** Evaluates catalog-entity conditions with the catalog's own permission rules. */
function evaluate(
  criteria: PermissionCriteria<PermissionCondition>,
  entity: Entity,
): boolean {
  const c = criteria as any;
  if (c.allOf) return c.allOf.every((x: any) => evaluate(x, entity));
  if (c.anyOf) return c.anyOf.some((x: any) => evaluate(x, entity));
  if (c.not) return !evaluate(c.not, entity);
  const rule = Object.values(permissionRules).find(r => r.name === c.rule);
  if (!rule) throw new Error(`unknown rule ${c.rule}`);
  return rule.apply(entity, c.params);
}

/** Evaluates scaffolder-action conditions as the scaffolder's two rules do. */
function applyConditions(
  criteria: PermissionCriteria<PermissionCondition>,
  action: { action: string; input: Record<string, unknown> },
): boolean {
  const c = criteria as any;
  if (c.allOf) return c.allOf.every((x: any) => applyConditions(x, action));
  if (c.anyOf) return c.anyOf.some((x: any) => applyConditions(x, action));
  if (c.not) return !applyConditions(c.not, action);
  if (c.rule === 'HAS_ACTION_ID') return action.action === c.params.actionId;
  if (c.rule === 'HAS_STRING_PROPERTY')
    return action.input[c.params.key] === c.params.value;
  throw new Error(`unknown rule ${c.rule}`);
}

const SHOP = 'user:default/shop-dev';
const SEARCH = 'user:default/search-dev';
const PLATFORM = 'user:default/platform-dev';
const groupsOf: Record<string, string[]> = {
  [SHOP]: ['group:default/team-shop'],
  [SEARCH]: ['group:default/team-search'],
  [PLATFORM]: [PLATFORM_TEAM],
};

/** The policy's view of a user of the test catalog. */
function asUser(ref: string) {
  return {
    identity: undefined as any,
    token: '',
    credentials: mockCredentials.user(ref),
    info: {
      userEntityRef: ref,
      ownershipEntityRefs: [ref, ...(groupsOf[ref] ?? [])],
    },
  };
}

const CATALOG = `
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments, annotations: { backstage.io/kubernetes-id: payments } }
spec: { type: service, owner: team-shop, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: search, annotations: { backstage.io/kubernetes-id: search } }
spec: { type: service, owner: team-search, lifecycle: production }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: hub-cluster }
spec: { type: kubernetes-cluster, owner: team-platform }
`;

describe('the example permission policy', () => {
  const dir = createMockDirectory();
  let server: any;

  beforeAll(async () => {
    dir.setContent({ 'catalog.yaml': CATALOG });
    ({ server } = await startTestBackend({
      features: [
        // The policy module as the app installs it, into the real permission backend.
        permissionBackend,
        policyModule,
        catalogBackend,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              processingInterval: { seconds: 1 },
              rules: [{ allow: ['Component', 'Resource', 'Location'] }],
              locations: [
                { type: 'file', target: dir.resolve('catalog.yaml') },
              ],
            },
          },
        }),
      ],
    }));
    // The catalog processes its location in the background: wait for the three entities.
    for (let i = 0; i < 400; i++) {
      const res = await request(server)
        .get('/api/catalog/entities')
        .set('Authorization', mockCredentials.service.header());
      // The catalog streams this list; supertest leaves a streamed body as text.
      const loaded = JSON.parse(res.text || '[]').filter(
        (e: { kind: string }) => e.kind !== 'Location',
      );
      if (res.status === 200 && loaded.length === 3) return;
      await new Promise(r => setTimeout(r, 100));
    }
    throw new Error('the catalog did not load the test entities');
  }, 60_000);

  /** The policy's decision for `user`, its conditions resolved on the catalog's entity. */
  async function decide(
    user: string,
    permission: Permission,
    resourceRef?: string,
  ): Promise<string> {
    const decision = await new MonitoringExamplePolicy().handle(
      { permission },
      asUser(user),
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) return decision.result;
    expect(decision.pluginId).toBe('catalog');
    // The entity as the real catalog processed it (its ownedBy relations), judged by the
    // catalog's own rules, as the catalog's apply-conditions endpoint does.
    const res = await request(server)
      .get(`/api/catalog/entities/by-name/${resourceRef!.replace(':', '/')}`)
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    return evaluate(decision.conditions, JSON.parse(res.text))
      ? AuthorizeResult.ALLOW
      : AuthorizeResult.DENY;
  }

  const entityPermission = (name: string): Permission => ({
    type: 'resource',
    name,
    attributes: { action: 'update' },
    resourceType: 'catalog-entity',
  });
  const basic = (name: string, action = 'create'): Permission => ({
    type: 'basic',
    name,
    attributes: { action: action as 'create' },
  });

  it("lets owners change their service's rules and silence it, and nobody else", async () => {
    for (const name of [
      'monitoring.rules.write',
      'monitoring.alerts.silence',
    ]) {
      const p = entityPermission(name);
      expect(await decide(SHOP, p, 'component:default/payments')).toBe('ALLOW');
      expect(await decide(SEARCH, p, 'component:default/payments')).toBe(
        'DENY',
      );
      expect(await decide(SEARCH, p, 'component:default/search')).toBe('ALLOW');
      expect(await decide(PLATFORM, p, 'component:default/payments')).toBe(
        'DENY',
      );
    }
  });

  it("lets only the cluster's owners change its stack, and only the platform team create one", async () => {
    const write = entityPermission('monitoring.stack.write');
    expect(await decide(PLATFORM, write, 'resource:default/hub-cluster')).toBe(
      'ALLOW',
    );
    expect(await decide(SHOP, write, 'resource:default/hub-cluster')).toBe(
      'DENY',
    );
    const create = basic('monitoring.stack.create');
    expect(await decide(PLATFORM, create)).toBe('ALLOW');
    expect(await decide(SHOP, create)).toBe('DENY');
    const location = basic('catalog.location.create');
    expect(await decide(PLATFORM, location)).toBe('ALLOW');
    expect(await decide(SEARCH, location)).toBe('DENY');
  });

  it('lets everyone read', async () => {
    const read: Permission = {
      type: 'resource',
      name: 'monitoring.metrics.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    };
    expect(await decide(SEARCH, read, 'component:default/payments')).toBe(
      'ALLOW',
    );
    expect(await decide(SEARCH, basic('monitoring.stack.read', 'read'))).toBe(
      'ALLOW',
    );
    // The Kubernetes tab: kubernetes.clusters.read and kubernetes.resources.read fall under
    // "anything else"; kubernetes.proxy (any GET with the cluster's token) is the platform's.
    expect(kubernetesPermissions.map(p => p.name).sort()).toEqual([
      'kubernetes.clusters.read',
      'kubernetes.proxy',
      'kubernetes.resources.read',
    ]);
    for (const permission of kubernetesPermissions)
      expect([permission.name, await decide(SEARCH, permission)]).toEqual([
        permission.name,
        permission.name === 'kubernetes.proxy' ? 'DENY' : 'ALLOW',
      ]);
    const proxy = kubernetesPermissions.find(
      p => p.name === 'kubernetes.proxy',
    )!;
    expect(await decide(PLATFORM, proxy)).toBe('ALLOW');
  });

  it('keeps the hub and spoke actions, and apply beyond the hub, to the platform team', async () => {
    // A user cannot ask for conditions directly (the scaffolder does, on their behalf): ask the
    // policy, then evaluate its conditions the way the scaffolder's rules do.
    const policy = new MonitoringExamplePolicy();
    expect(
      await policy.handle(
        { permission: actionExecutePermission },
        asUser(PLATFORM),
      ),
    ).toEqual({ result: 'ALLOW' });
    const decision = await policy.handle(
      { permission: actionExecutePermission },
      asUser(SHOP),
    );
    expect(decision.result).toBe('CONDITIONAL');
    const allowed = (action: {
      action: string;
      input: Record<string, unknown>;
    }) =>
      applyConditions(
        (decision as ConditionalPolicyDecision).conditions,
        action,
      );
    expect(allowed({ action: 'monitoring:service:render', input: {} })).toBe(
      true,
    );
    expect(allowed({ action: 'monitoring:hub:render', input: {} })).toBe(false);
    expect(allowed({ action: 'monitoring:spoke:render', input: {} })).toBe(
      false,
    );
    expect(
      allowed({
        action: 'monitoring:apply',
        input: { cluster: 'hub-cluster' },
      }),
    ).toBe(true);
    expect(
      allowed({
        action: 'monitoring:apply',
        input: { cluster: 'prod-cluster' },
      }),
    ).toBe(false);
  });

  it('is the permissions table of docs/permissions.md', () => {
    const readme = fs.readFileSync(
      path.resolve(__dirname, '../../../docs/permissions.md'),
      'utf8',
    );
    for (const { permission, who } of EXAMPLE_POLICY) {
      const row = readme
        .split('\n')
        .find(
          l =>
            l.startsWith(`| \`${permission}\``) ||
            l.startsWith(`| ${permission} `),
        );
      expect(row).toBeDefined();
      const cells = row!.split('|').map(c => c.trim());
      expect(cells[cells.length - 2]).toBe(who);
    }
  });
});
