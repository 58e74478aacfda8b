export {
  TimeRangePicker,
  TIME_RANGES,
  DEFAULT_TIME_RANGE,
  timeRange,
} from './TimeRangePicker';
export type { TimeRangeKey, TimeRangePickerProps } from './TimeRangePicker';
