import Box from '@material-ui/core/Box';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { FleetResponse } from '@hubspoke/backstage-plugin-monitoring-common';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    gap: theme.spacing(2),
    alignItems: 'center',
    flexWrap: 'wrap',
    marginBottom: theme.spacing(2),
  },
}));

/** The fleet's filters as the toolbar shows them. */
export interface FleetToolbarFilters {
  /** Searched in the name, title, service and owner. */
  text: string;
  /** One system, or all when empty. */
  system: string;
  /** One environment's column, or all when empty. */
  environment: string;
  /** Only the services the signed-in user's groups own. */
  mine: boolean;
}

/**
 * Search, system, environment and "My services", then how many services match and from where.
 * The counts and the systems are the backend's answer's.
 */
export function FleetToolbar(props: {
  response: FleetResponse;
  /** The environment filter's choices. */
  environments: string[];
  filters: FleetToolbarFilters;
  onChange(change: Partial<FleetToolbarFilters>): void;
  /** How the rows are ordered, e.g. "worst health first". */
  order: string;
}) {
  const { response, environments, filters, onChange, order } = props;
  const classes = useStyles();
  return (
    <Box className={classes.filters}>
      <TextField
        label="Search"
        value={filters.text}
        onChange={e => onChange({ text: e.target.value })}
        inputProps={{ 'aria-label': 'Search services' }}
      />
      <TextField
        select
        label="System"
        value={filters.system}
        onChange={e => onChange({ system: e.target.value })}
        style={{ minWidth: 160 }}
        inputProps={{ 'aria-label': 'System' }}
      >
        <MenuItem value="">All systems</MenuItem>
        {response.systems.map(s => (
          <MenuItem key={s} value={s}>
            {s}
          </MenuItem>
        ))}
      </TextField>
      <TextField
        select
        label="Environment"
        value={filters.environment}
        onChange={e => onChange({ environment: e.target.value })}
        style={{ minWidth: 160 }}
        inputProps={{ 'aria-label': 'Environment' }}
      >
        <MenuItem value="">All environments</MenuItem>
        {environments.map(e => (
          <MenuItem key={e} value={e}>
            {e}
          </MenuItem>
        ))}
      </TextField>
      <FormControlLabel
        control={
          <Switch
            checked={filters.mine}
            onChange={e => onChange({ mine: e.target.checked })}
            color="primary"
          />
        }
        label={`My services (${response.owned})`}
      />
      <Typography variant="caption" color="textSecondary">
        {response.total} {response.total === 1 ? 'service' : 'services'} ·{' '}
        {order} · from{' '}
        {response.source === 'raw'
          ? 'raw series (no recording rules)'
          : 'recording rules'}
        {response.alerts === 'unavailable' ? ' · alert source unavailable' : ''}
      </Typography>
    </Box>
  );
}
