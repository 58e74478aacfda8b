import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  CreateSilenceRequest,
  CreateSilenceResponse,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  EntityClaim,
  EntityMetricsResponse,
  FleetFilters,
  FleetResponse,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * A closed time interval to query.
 *
 * @public
 */
export interface MetricsTimeRange {
  from: Date;
  to: Date;
}

export type { FleetFilters };

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

  /** The alert rules that concern the entity, with their state per environment. */
  getEntityAlerts(entityRef: CompoundEntityRef): Promise<EntityAlertsResponse>;

  /** Pending and firing intervals per alert and environment over the range. */
  getEntityAlertHistory(
    entityRef: CompoundEntityRef,
    range: MetricsTimeRange,
  ): Promise<EntityAlertHistoryResponse>;

  /** Silences the entity's alerts (the backend builds the matchers from the entity). */
  createSilence(
    entityRef: CompoundEntityRef,
    request: CreateSilenceRequest,
  ): Promise<CreateSilenceResponse>;

  /** Expires a silence made for the entity. */
  expireSilence(entityRef: CompoundEntityRef, silenceId: string): Promise<void>;

  /**
   * What the claim rules say about the service the entity names: whether the entity owns it and
   * how many other entities claim it (`claim` is null when the entity names no service).
   */
  getEntityClaims(
    entityRef: CompoundEntityRef,
  ): Promise<{ claim: EntityClaim | null }>;

  /** Every monitored service the caller may read, by environment. */
  getFleet(filters?: FleetFilters): Promise<FleetResponse>;

  /** The health of the monitoring stack: every spoke's ingestion and the hub's components. */
  getStack(): Promise<StackResponse>;
}

/** @public */
export const monitoringApiRef = createApiRef<MonitoringApi>({
  id: 'plugin.monitoring.service',
});
