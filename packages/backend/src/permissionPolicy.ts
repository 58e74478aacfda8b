/**
 * The example permission policy, as an organisation with a platform team and service teams
 * would start: everyone signed in reads (metrics, alerts, the fleet and the stack's health);
 * owners silence and change the rules of their services; only the platform team renders and
 * applies hubs and spokes, registers locations, and applies anywhere but the hub's service
 * rules. Replace it with your own policy module in production; see docs/permissions.md.
 *
 * `EXAMPLE_POLICY` is the table in docs/permissions.md: a test keeps the two equal.
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { catalogLocationCreatePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isPermission,
  PolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createScaffolderActionConditionalDecision,
  scaffolderActionConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import { kubernetesProxyPermission } from '@backstage/plugin-kubernetes-common';
import { actionExecutePermission } from '@backstage/plugin-scaffolder-common/alpha';
import {
  monitoringAlertsSilencePermission,
  monitoringRulesWritePermission,
  monitoringStackCreatePermission,
  monitoringStackWritePermission,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** The platform team of the example catalog (examples/org.yaml). */
export const PLATFORM_TEAM = 'group:default/team-platform';
/** The hub's cluster: service teams apply their rules there, and nowhere else. */
export const HUB_CLUSTER = 'hub-cluster';

/** Who may do what: the permissions table of docs/permissions.md, row by row. */
export const EXAMPLE_POLICY: Array<{ permission: string; who: string }> = [
  { permission: 'monitoring.metrics.read', who: 'everyone signed in' },
  { permission: 'monitoring.stack.read', who: 'everyone signed in' },
  { permission: 'monitoring.alerts.silence', who: "the entity's owners" },
  { permission: 'monitoring.rules.write', who: "the entity's owners" },
  { permission: 'monitoring.stack.write', who: "the cluster's owners" },
  { permission: 'monitoring.stack.create', who: 'the platform team' },
  {
    permission: 'scaffolder.action.execute',
    who: `the platform team; others every action but monitoring:hub:render, monitoring:spoke:render, and monitoring:apply other than to ${HUB_CLUSTER}`,
  },
  { permission: 'catalog.location.create', who: 'the platform team' },
  { permission: 'kubernetes.proxy', who: 'the platform team' },
  { permission: 'anything else', who: 'everyone signed in' },
];

/** Owners decide: evaluated by the catalog on the entity (owned by the user or their groups). */
const ownersOnly = (
  permission: ResourcePermission<'catalog-entity'>,
  user?: PolicyQueryUser,
): PolicyDecision =>
  createCatalogConditionalDecision(
    permission,
    catalogConditions.isEntityOwner({
      claims: user?.info.ownershipEntityRefs ?? [],
    }),
  );

export class MonitoringExamplePolicy implements PermissionPolicy {
  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const platform =
      user?.info.ownershipEntityRefs.includes(PLATFORM_TEAM) ?? false;
    const { permission } = request;
    if (
      isPermission(permission, monitoringAlertsSilencePermission) ||
      isPermission(permission, monitoringRulesWritePermission) ||
      isPermission(permission, monitoringStackWritePermission)
    ) {
      return ownersOnly(permission, user);
    }
    if (
      isPermission(permission, monitoringStackCreatePermission) ||
      isPermission(permission, catalogLocationCreatePermission) ||
      // The proxy sends any GET with the cluster's token: not for everyone (the tab's pods,
      // Deployments and events come through kubernetes.resources.read).
      isPermission(permission, kubernetesProxyPermission)
    ) {
      return {
        result: platform ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (isPermission(permission, actionExecutePermission) && !platform) {
      const { hasActionId, hasStringProperty } = scaffolderActionConditions;
      return createScaffolderActionConditionalDecision(permission, {
        not: {
          anyOf: [
            hasActionId({ actionId: 'monitoring:hub:render' }),
            hasActionId({ actionId: 'monitoring:spoke:render' }),
            {
              allOf: [
                hasActionId({ actionId: 'monitoring:apply' }),
                {
                  not: hasStringProperty({
                    key: 'cluster',
                    value: HUB_CLUSTER,
                  }),
                },
              ],
            },
          ],
        },
      });
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'monitoring-example-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy(new MonitoringExamplePolicy());
      },
    });
  },
});
