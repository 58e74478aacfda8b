export { monitoringApiRef } from './MonitoringApi';
export type {
  FleetFilters,
  MonitoringApi,
  MetricsTimeRange,
} from './MonitoringApi';
export { MonitoringClient } from './MonitoringClient';
