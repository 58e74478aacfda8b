export {
  EntityMonitoringAlertsCard,
  AlertsSummary,
} from './EntityMonitoringAlertsCard';
export type { EntityMonitoringAlertsCardProps } from './EntityMonitoringAlertsCard';
