import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { SnapshotInfo } from '@hubspoke/backstage-plugin-monitoring-common';
import { formatAge } from '../../utils/format';

/** When the snapshot behind an answer was taken and how old it was then: "Snapshot 09:00:00 (12 s old)". */
export function snapshotCaption(snapshot: SnapshotInfo): string {
  const time = new Date(snapshot.takenAt).toLocaleTimeString();
  return `Snapshot ${time} (${formatAge(snapshot.ageSeconds)} old)`;
}

/**
 * A warning when the snapshot could not be refreshed (`stale`), with the backend's reason;
 * nothing otherwise. `what` names what is shown, e.g. "the fleet".
 */
export function StaleSnapshotWarning(props: {
  snapshot: SnapshotInfo | undefined;
  what: string;
}) {
  const { snapshot, what } = props;
  if (!snapshot?.stale) return null;
  return (
    <Box mb={2}>
      <Alert severity="warning">
        <AlertTitle>
          Stale: {what} is {formatAge(snapshot.ageSeconds)} old
        </AlertTitle>
        {snapshot.warning ??
          'The last refreshes of the snapshot failed; the backend serves the last one it took.'}
      </Alert>
    </Box>
  );
}
