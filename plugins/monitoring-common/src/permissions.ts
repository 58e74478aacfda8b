import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/** Read an entity's metrics and alerts. A catalog-entity resource permission. */
export const monitoringMetricsReadPermission = createPermission({
  name: 'monitoring.metrics.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

export const monitoringPermissions = [monitoringMetricsReadPermission];
