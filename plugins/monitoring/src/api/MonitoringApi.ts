import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import { EntityMetricsResponse } from '@internal/plugin-monitoring-common';

/** A closed time interval to query. */
export interface MetricsTimeRange {
  from: Date;
  to: Date;
}

/**
 * Reads an entity's monitoring data from the `monitoring` backend plugin.
 *
 * @public
 */
export interface MonitoringApi {
  /** Every panel of the entity's metrics profile, per environment, for the range. */
  getEntityMetrics(
    entityRef: CompoundEntityRef,
    range: MetricsTimeRange,
  ): Promise<EntityMetricsResponse>;
}

/** @public */
export const monitoringApiRef = createApiRef<MonitoringApi>({
  id: 'plugin.monitoring.service',
});
