import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import {
  FleetCell,
  FleetHealth,
  FleetResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { formatValue } from '../../utils/format';
import { Sparkline } from '../Sparkline';
import { BudgetIndicator } from './BudgetIndicator';

const useStyles = makeStyles(theme => ({
  cell: {
    display: 'inline-flex',
    flexDirection: 'column',
    gap: 2,
    padding: theme.spacing(0.5, 1),
    borderRadius: theme.shape.borderRadius,
    borderLeft: '4px solid',
    minWidth: 120,
  },
  numbers: { whiteSpace: 'nowrap' },
}));

export function healthColor(theme: Theme, health: FleetHealth): string {
  switch (health) {
    case 'critical':
      return theme.palette.error.main;
    case 'warning':
      return theme.palette.warning.main;
    case 'ok':
      return theme.palette.success.main;
    default:
      return theme.palette.grey[400];
  }
}

/** One service in one environment: health, firing alerts, figures and the last day's requests. */
export function HealthCell(props: {
  cell: FleetCell | undefined;
  environment: string;
  service: string;
  alerts: FleetResponse['alerts'];
}) {
  const { cell, environment, service, alerts } = props;
  const classes = useStyles();
  const theme = useTheme();
  const firing = alerts === 'ok' && cell ? cell.firingAlerts : null;
  if (!cell || cell.health === 'no-data') {
    return (
      <>
        <Typography
          variant="caption"
          color="textSecondary"
          data-health="no-data"
        >
          no data
        </Typography>
        {typeof cell?.budgetRemaining === 'number' && (
          <div>
            <BudgetIndicator remaining={cell.budgetRemaining} prefix="budget" />
          </div>
        )}
      </>
    );
  }
  const color = healthColor(theme, cell.health);
  let alertText = '';
  if (firing === null) alertText = ' · alerts unknown';
  else if (firing > 0) alertText = ` · ${firing} firing`;
  return (
    <Box
      className={classes.cell}
      style={{ borderLeftColor: color }}
      data-health={cell.health}
      aria-label={`${service} in ${environment}: ${cell.health}`}
    >
      <Typography variant="caption" style={{ color, fontWeight: 600 }}>
        {cell.health}
        {alertText}
      </Typography>
      <Typography variant="caption" className={classes.numbers}>
        {formatValue('reqps', cell.requestRate)} ·{' '}
        {formatValue('ratio', cell.errorRatio)}
      </Typography>
      <Typography variant="caption" className={classes.numbers}>
        p95 {formatValue('seconds', cell.latencyP95)}
      </Typography>
      <BudgetIndicator remaining={cell.budgetRemaining} prefix="budget" />
      <Sparkline
        values={cell.sparkline}
        color={color}
        label={`${service} in ${environment}: requests, last 24 h`}
      />
    </Box>
  );
}
