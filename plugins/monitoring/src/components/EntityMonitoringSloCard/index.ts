export { EntityMonitoringSloCard } from './EntityMonitoringSloCard';
export type { EntityMonitoringSloCardProps } from './EntityMonitoringSloCard';
