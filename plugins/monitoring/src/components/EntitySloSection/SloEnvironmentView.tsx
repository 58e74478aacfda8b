import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles, useTheme } from '@material-ui/core/styles';
import {
  EntitySloResponse,
  SloEnvironmentStatus,
  SloObjectiveStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { since } from '../../utils/alertFormat';
import {
  budgetColor,
  budgetHealth,
  formatBudget,
  formatBudgetPercent,
  formatSli,
  formatTarget,
  formatTimeToExhaustion,
} from '../../utils/sloFormat';
import { AlertStateChip } from '../AlertStateChip';
import { BudgetChart } from './BudgetChart';
import { BurnRateTable } from './BurnRateTable';

const useStyles = makeStyles(theme => ({
  box: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    padding: theme.spacing(1, 1.5),
    borderLeft: '4px solid',
    borderRadius: theme.shape.borderRadius,
    backgroundColor: theme.palette.background.default,
    minWidth: 0,
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5, 1),
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(1.5),
    rowGap: 2,
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0 },
  },
  budget: { fontWeight: 700 },
  wide: { overflowX: 'auto' },
}));

function BurnAlerts(props: { alerts: SloEnvironmentStatus['alerts'] }) {
  const { alerts } = props;
  if (alerts === null) {
    return (
      <Typography variant="caption" color="textSecondary">
        burn-rate alerts unknown (vmalert did not answer)
      </Typography>
    );
  }
  return (
    <>
      {alerts.map(a => {
        const age = since(a.activeAt);
        return (
          <Tooltip
            key={`${a.alertname}-${a.severity}-${a.state}-${a.activeAt ?? ''}`}
            title={`${a.alertname}${age ? `, ${a.state} for ${age}` : ''}`}
          >
            <span>
              <AlertStateChip state={a.state} label={a.severity} />
            </span>
          </Tooltip>
        );
      })}
    </>
  );
}

/**
 * One objective in one environment: its budget (coloured by health), SLI, when the budget runs
 * out, the burn-rate alerts; unless compact, the burn rates per window and the budget's chart.
 */
export function SloEnvironmentView(props: {
  /** The entity's name, to label what is shown: "payments availability production". */
  name: string;
  objective: SloObjectiveStatus;
  status: SloEnvironmentStatus;
  response: EntitySloResponse;
  compact?: boolean;
}) {
  const { name, objective, status, response, compact } = props;
  const classes = useStyles();
  const theme = useTheme();
  const health = budgetHealth(status.budgetRemaining);
  const color = budgetColor(theme, health);
  // The namespace too when the service runs in several: one budget each.
  const shared =
    objective.environments.filter(e => e.environment === status.environment)
      .length > 1;
  const label = `${name} ${objective.slo} ${status.environment}${
    shared && status.namespace ? ` ${status.namespace}` : ''
  }`;
  const budgetText = formatBudget(
    status.budgetRemaining,
    status.budgetRemainingMinutes,
    objective.budgetMinutes,
  );
  const percent = formatBudgetPercent(status.budgetRemaining);
  return (
    <Box
      className={classes.box}
      style={{ borderLeftColor: color }}
      role="group"
      aria-label={`${label} budget`}
      data-budget-health={health}
    >
      <Box className={classes.header}>
        <Typography variant="subtitle2" component="span">
          {status.environment}
        </Typography>
        {status.namespace && (
          <Typography variant="caption" color="textSecondary">
            {status.namespace}
          </Typography>
        )}
        <BurnAlerts alerts={status.alerts} />
      </Box>
      <dl className={classes.facts}>
        <Typography variant="body2" component="dt">
          Budget remaining
        </Typography>
        <Typography variant="body2" component="dd">
          {status.budgetRemaining === null ? (
            budgetText
          ) : (
            <span style={{ color }} className={classes.budget}>
              <span data-testid="slo-budget-percent">{percent}</span>
              {budgetText.slice(percent.length)}
            </span>
          )}
        </Typography>
        <Typography variant="body2" component="dt">
          SLI ({response.period})
        </Typography>
        <Typography variant="body2" component="dd">
          {formatSli(status.sli, objective.target)} · target{' '}
          {formatTarget(objective.target)}
        </Typography>
        <Typography variant="body2" component="dt">
          Time to exhaustion
        </Typography>
        <Typography variant="body2" component="dd">
          {formatTimeToExhaustion(
            status.timeToExhaustionSeconds,
            status.budgetRemaining,
          )}
        </Typography>
      </dl>
      {!compact && (
        <>
          <Box className={classes.wide}>
            <BurnRateTable
              burnRates={status.burnRates}
              policy={response.burnRateAlerts}
              label={label}
            />
          </Box>
          <BudgetChart
            history={status.history}
            remaining={status.budgetRemaining}
            label={label}
            period={response.period}
          />
        </>
      )}
    </Box>
  );
}
