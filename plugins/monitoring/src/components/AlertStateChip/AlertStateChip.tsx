import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import NotificationsOffIcon from '@material-ui/icons/NotificationsOff';
import { AlertState } from '@hubspoke/backstage-plugin-monitoring-common';

const useStyles = makeStyles(theme => ({
  firing: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  pending: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.warning.contrastText,
  },
  inactive: {
    backgroundColor: theme.palette.success.main,
    color: theme.palette.success.contrastText,
  },
  silenced: {
    backgroundColor: theme.palette.grey[500],
    color: theme.palette.common.white,
  },
}));

export interface AlertStateChipProps {
  state: AlertState;
  /** Text after the state, e.g. the environment. */
  label?: string;
  /** Silenced in Alertmanager: drawn grey, with a muted bell. */
  silenced?: boolean;
}

/** A state chip: red firing, amber pending, green inactive ("ok"), grey when silenced. */
export function AlertStateChip(props: AlertStateChipProps) {
  const { state, label, silenced } = props;
  const classes = useStyles();
  const text = `${state === 'inactive' ? 'ok' : state}${label ? ` · ${label}` : ''}${silenced ? ' · silenced' : ''}`;
  return (
    <Chip
      size="small"
      label={text}
      className={silenced ? classes.silenced : classes[state]}
      icon={
        silenced ? (
          <NotificationsOffIcon style={{ color: 'inherit' }} />
        ) : undefined
      }
      data-testid={`alert-chip-${state}${silenced ? '-silenced' : ''}`}
    />
  );
}
