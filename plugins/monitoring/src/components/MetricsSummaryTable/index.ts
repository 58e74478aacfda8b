export { MetricsSummaryTable } from './MetricsSummaryTable';
export type { MetricsSummaryTableProps } from './MetricsSummaryTable';
