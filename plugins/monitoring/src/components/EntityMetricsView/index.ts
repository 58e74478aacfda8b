export { EntityMetricsView } from './EntityMetricsView';
export type { EntityMetricsViewProps } from './EntityMetricsView';
