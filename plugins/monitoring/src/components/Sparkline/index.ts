export { Sparkline, sparklineShapes } from './Sparkline';
