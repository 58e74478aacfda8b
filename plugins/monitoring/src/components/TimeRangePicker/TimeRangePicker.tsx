import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The ranges on offer, shortest first. */
export const TIME_RANGES = [
  { key: '15m', label: 'Last 15 minutes', ms: 15 * MINUTE },
  { key: '1h', label: 'Last 1 hour', ms: HOUR },
  { key: '6h', label: 'Last 6 hours', ms: 6 * HOUR },
  { key: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * HOUR },
] as const;

export type TimeRangeKey = (typeof TIME_RANGES)[number]['key'];

export const DEFAULT_TIME_RANGE: TimeRangeKey = '1h';

export function timeRange(key: TimeRangeKey) {
  return TIME_RANGES.find(r => r.key === key) ?? TIME_RANGES[1];
}

const useStyles = makeStyles({
  control: { minWidth: 180 },
});

export interface TimeRangePickerProps {
  value: TimeRangeKey;
  onChange: (value: TimeRangeKey) => void;
  disabled?: boolean;
  /** DOM id prefix; set it when more than one picker is on a page. */
  id?: string;
}

/** A "last N" time-range select. */
export function TimeRangePicker(props: TimeRangePickerProps) {
  const { value, onChange, disabled, id = 'monitoring-time-range' } = props;
  const classes = useStyles();
  const labelId = `${id}-label`;
  return (
    <FormControl variant="outlined" size="small" className={classes.control}>
      <InputLabel id={labelId}>Time range</InputLabel>
      <Select
        labelId={labelId}
        id={`${id}-select`}
        label="Time range"
        value={value}
        disabled={disabled}
        onChange={e => onChange(e.target.value as TimeRangeKey)}
      >
        {TIME_RANGES.map(r => (
          <MenuItem key={r.key} value={r.key}>
            {r.label}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}
