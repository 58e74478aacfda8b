export {
  EntityMonitoringClusterCard,
  clusterNameOf,
} from './EntityMonitoringClusterCard';
export type { EntityMonitoringClusterCardProps } from './EntityMonitoringClusterCard';
