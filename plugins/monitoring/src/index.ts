/**
 * Frontend of the monitoring suite: the entity Monitoring tab and overview card, backed by the
 * `monitoring` backend plugin.
 *
 * @packageDocumentation
 */
export {
  monitoringPlugin,
  EntityMonitoringContent,
  EntityMonitoringMetricsCard,
  EntityMonitoringAlertsCard,
  EntityMonitoringSloCard,
  MonitoringFleetPage,
  EntityMonitoringClusterCard,
} from './plugin';
export {
  isMonitoringAvailable,
  isMonitoringAlertsAvailable,
  isMonitoringClusterAvailable,
} from './utils/isMonitoringAvailable';
export { monitoringApiRef, MonitoringClient } from './api';
export type { FleetFilters, MonitoringApi, MetricsTimeRange } from './api';
export type { EntityMonitoringMetricsCardProps } from './components/EntityMonitoringMetricsCard';
export type { EntityMonitoringAlertsCardProps } from './components/EntityMonitoringAlertsCard';
export type { EntityMonitoringSloCardProps } from './components/EntityMonitoringSloCard';
export type { EntityMonitoringClusterCardProps } from './components/EntityMonitoringClusterCard';
