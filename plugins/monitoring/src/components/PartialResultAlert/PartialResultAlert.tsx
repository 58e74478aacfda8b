import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { environmentsWithoutData, failedPanels } from '../../utils/summary';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
}));

export interface PartialResultAlertProps {
  response: EntityMetricsResponse;
}

/**
 * Says what is missing from an otherwise usable response: panels whose query failed (with the
 * backend's reason) and configured environments that sent nothing. Renders nothing when the
 * response is complete.
 */
export function PartialResultAlert(props: PartialResultAlertProps) {
  const { response } = props;
  const classes = useStyles();
  const failed = failedPanels(response);
  const silent = environmentsWithoutData(response);
  if (failed.length === 0 && silent.length === 0) return null;

  const allFailed =
    failed.length > 0 && failed.length === response.panels.length;
  let title = 'Some environments sent no data';
  if (allFailed) title = 'No panel could be loaded';
  else if (failed.length > 0) title = 'Some metrics could not be loaded';

  return (
    <Alert severity={allFailed ? 'error' : 'warning'}>
      <AlertTitle>{title}</AlertTitle>
      <ul className={classes.list}>
        {failed.map(p => (
          <li key={p.id}>
            {p.title}: {p.error}
          </li>
        ))}
        {silent.map(env => (
          <li key={`env-${env}`}>no data from {env}</li>
        ))}
      </ul>
    </Alert>
  );
}
