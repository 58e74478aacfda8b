import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  EntitySloResponse,
  SloObjectiveStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  formatMinutes,
  formatTarget,
  objectiveTitle,
} from '../../utils/sloFormat';
import { SloEnvironmentView } from './SloEnvironmentView';

const useStyles = makeStyles(theme => ({
  environments: {
    display: 'grid',
    gap: theme.spacing(1.5),
    marginTop: theme.spacing(1),
  },
  compact: {
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
  },
  warning: { marginTop: theme.spacing(1) },
}));

/** One objective: its target and budget, its warnings, then its status per environment. */
export function SloObjectiveView(props: {
  name: string;
  objective: SloObjectiveStatus;
  response: EntitySloResponse;
  compact?: boolean;
}) {
  const { name, objective, response, compact } = props;
  const classes = useStyles();
  const title = objectiveTitle(objective);
  return (
    <Box component="section" aria-label={`${name} ${objective.slo} objective`}>
      <Typography variant="h6" component="h3">
        {title}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Target {formatTarget(objective.target)} over {response.period} · budget{' '}
        {formatMinutes(objective.budgetMinutes)} of full outage
      </Typography>
      {objective.warnings.length > 0 && (
        <Alert severity="warning" className={classes.warning}>
          {objective.warnings.length === 1 ? (
            objective.warnings[0]
          ) : (
            <ul style={{ margin: 0, paddingLeft: 16 }}>
              {objective.warnings.map(w => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
        </Alert>
      )}
      {objective.environments.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No environment reports this objective yet.
        </Typography>
      ) : (
        <Box
          className={`${classes.environments} ${compact ? classes.compact : ''}`}
        >
          {objective.environments.map(status => (
            <SloEnvironmentView
              key={`${status.environment}/${status.namespace ?? ''}`}
              name={name}
              objective={objective}
              status={status}
              response={response}
              compact={compact}
            />
          ))}
        </Box>
      )}
    </Box>
  );
}
