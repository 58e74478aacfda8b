export { PanelChart } from './PanelChart';
export type { PanelChartProps } from './PanelChart';
