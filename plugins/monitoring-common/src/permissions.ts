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

/** @public */
export const monitoringPermissions = [
  monitoringMetricsReadPermission,
  monitoringAlertsSilencePermission,
  monitoringStackReadPermission,
];
