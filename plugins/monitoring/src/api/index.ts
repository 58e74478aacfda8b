export { monitoringApiRef } from './MonitoringApi';
export type { MonitoringApi, MetricsTimeRange } from './MonitoringApi';
export { MonitoringClient } from './MonitoringClient';
