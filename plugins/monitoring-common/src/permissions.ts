import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Read an entity's metrics and alerts. A catalog-entity resource permission.
 *
 * @public
 */
export const monitoringMetricsReadPermission = createPermission({
  name: 'monitoring.metrics.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create and expire Alertmanager silences for an entity's alerts. A catalog-entity resource
 * permission, so a policy can grant it conditionally (the example policy: the entity's owners).
 *
 * @public
 */
export const monitoringAlertsSilencePermission = createPermission({
  name: 'monitoring.alerts.silence',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Read the health of the monitoring stack (`GET /stack`): cluster names, ingestion and the hub's
 * components. Not tied to an entity, so a basic permission.
 *
 * @public
 */
export const monitoringStackReadPermission = createPermission({
  name: 'monitoring.stack.read',
  attributes: { action: 'read' },
});

/**
 * Change a service's alert rules (`monitoring:service:render`, and `monitoring:apply` of what it
 * rendered). A catalog-entity resource permission, checked for the task's initiator on the
 * component and on every other owner of its service (the example policy: the entity's owners).
 *
 * @public
 */
export const monitoringRulesWritePermission = createPermission({
  name: 'monitoring.rules.write',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Render or apply the hub or a spoke for a cluster that is in the catalog (its `Resource` of
 * type `kubernetes-cluster`). A catalog-entity resource permission (the example policy: the
 * cluster's owners).
 *
 * @public
 */
export const monitoringStackWritePermission = createPermission({
  name: 'monitoring.stack.write',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Render or apply the hub or a spoke for a cluster that is not in the catalog yet (a new
 * cluster). A basic permission (the example policy: the platform team).
 *
 * @public
 */
export const monitoringStackCreatePermission = createPermission({
  name: 'monitoring.stack.create',
  attributes: { action: 'create' },
});

/** @public */
export const monitoringPermissions = [
  monitoringMetricsReadPermission,
  monitoringAlertsSilencePermission,
  monitoringStackReadPermission,
  monitoringRulesWritePermission,
  monitoringStackWritePermission,
  monitoringStackCreatePermission,
];
