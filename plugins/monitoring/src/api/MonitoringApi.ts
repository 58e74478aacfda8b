import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/core-plugin-api';
import {
  CreateSilenceRequest,
  CreateSilenceResponse,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  EntityClaim,
  EntityMetricsResponse,
  EntitySloResponse,
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

  /**
   * The entity's service level objectives: per objective and environment the SLI, the error
   * budget left, burn rates, burn-rate alerts and the budget over the period. `time` (unix
   * seconds, sent as `?time=`) reads them as of that instant instead of now.
   */
  getEntitySlo(
    entityRef: CompoundEntityRef,
    opts?: { time?: number },
  ): Promise<EntitySloResponse>;

  /**
   * One page of the monitored services the caller may read that match `filters`, by
   * environment, in the asked order (filtered, sorted and paged by the backend). Every field
   * that is set is sent as a query parameter.
   */
  getFleet(filters?: FleetFilters): Promise<FleetResponse>;

  /** The health of the monitoring stack: every spoke's ingestion and the hub's components. */
  getStack(): Promise<StackResponse>;
}

/** @public */
export const monitoringApiRef = createApiRef<MonitoringApi>({
  id: 'plugin.monitoring.service',
});
