import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** Read an entity's metrics and alerts. A catalog-entity resource permission. */
export const monitoringMetricsReadPermission = createPermission({
  name: 'monitoring.metrics.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create and expire Alertmanager silences for an entity's alerts. A catalog-entity resource
 * permission, so a policy can grant it conditionally (the example policy: the entity's owners).
 */
export const monitoringAlertsSilencePermission = createPermission({
  name: 'monitoring.alerts.silence',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const monitoringPermissions = [
  monitoringMetricsReadPermission,
  monitoringAlertsSilencePermission,
];
