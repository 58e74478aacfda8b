export { EntityMonitoringMetricsCard } from './EntityMonitoringMetricsCard';
export type { EntityMonitoringMetricsCardProps } from './EntityMonitoringMetricsCard';
