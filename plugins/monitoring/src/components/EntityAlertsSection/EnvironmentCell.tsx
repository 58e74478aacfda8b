import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { AlertRuleStatus } from '@hubspoke/backstage-plugin-monitoring-common';
import {
  formatAlertValue,
  instanceKey,
  isSilenced,
  silenceLabel,
  since,
} from '../../utils/alertFormat';
import { AlertStateChip } from '../AlertStateChip';
import { SilenceTarget } from './types';

const useStyles = makeStyles(theme => ({
  cellStack: {
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    alignItems: 'flex-start',
  },
}));

/** A rule's instances in one environment: state, value, since when, silence state, Silence. */
export function EnvironmentCell(props: {
  rule: AlertRuleStatus;
  environment: string;
  canSilence: boolean;
  onSilence(t: SilenceTarget): void;
}) {
  const { rule, environment, canSilence, onSilence } = props;
  const classes = useStyles();
  const instances = rule.instances.filter(i => i.environment === environment);
  if (instances.length === 0) return <AlertStateChip state="inactive" />;
  return (
    <Box className={classes.cellStack}>
      {instances.map(i => (
        <Box key={instanceKey(i)} className={classes.cellStack}>
          <AlertStateChip
            state={i.state}
            label={i.cluster}
            silenced={isSilenced(i)}
          />
          <Typography variant="caption">
            value {formatAlertValue(i.value)}
            {i.activeAt ? ` · since ${since(i.activeAt)}` : ''}
          </Typography>
          <Typography variant="caption" color="textSecondary">
            {silenceLabel(i)}
          </Typography>
          {canSilence && i.state === 'firing' && !isSilenced(i) && (
            <Button
              size="small"
              variant="outlined"
              onClick={() => onSilence({ alertname: rule.name, environment })}
            >
              Silence
            </Button>
          )}
        </Box>
      ))}
    </Box>
  );
}
