import { StatusWarning } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ClusterResources,
  VmResourceHealth,
  VmResourceStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';

const useStyles = makeStyles(theme => ({
  chip: { height: 20, fontSize: theme.typography.caption.fontSize },
  ok: { backgroundColor: theme.palette.success.main, color: '#fff' },
  progressing: {
    backgroundColor: theme.palette.warning.main,
    color: theme.palette.getContrastText(theme.palette.warning.main),
  },
  failed: { backgroundColor: theme.palette.error.main, color: '#fff' },
  unknown: {},
  lag: {
    marginLeft: theme.spacing(0.5),
    borderColor: theme.palette.warning.main,
    color: theme.palette.warning.dark,
  },
  reason: { display: 'block', overflowWrap: 'anywhere' },
}));

/** An age as kubectl prints it: `45s`, `12m`, `5h`, `3d`. */
export function formatResourceAge(seconds: number | null): string {
  if (seconds === null) return '-';
  if (seconds < 120) return `${Math.floor(seconds)}s`;
  if (seconds < 120 * 60) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

const HEALTH_LABEL: Record<VmResourceHealth, string> = {
  ok: 'ready',
  progressing: 'in progress',
  failed: 'failed',
  unknown: 'unknown',
};

function StatusCell(props: { resource: VmResourceStatus }) {
  const { resource } = props;
  const classes = useStyles();
  const text = resource.updateStatus ?? 'not reported';
  const lag = resource.generationLag ?? 0;
  return (
    <>
      <Chip
        size="small"
        label={text}
        className={`${classes.chip} ${classes[resource.health]}`}
        aria-label={`status ${text}: ${HEALTH_LABEL[resource.health]}`}
        data-health={resource.health}
      />
      {lag > 0 && (
        <Chip
          size="small"
          variant="outlined"
          label={`gen lag ${lag}`}
          className={`${classes.chip} ${classes.lag}`}
          title="The operator has not yet seen the newest spec (metadata.generation minus status.observedGeneration)"
        />
      )}
      {resource.reason && (
        <Typography
          variant="caption"
          color={resource.health === 'failed' ? 'error' : 'textSecondary'}
          className={classes.reason}
        >
          {resource.reason}
        </Typography>
      )}
    </>
  );
}

/**
 * One cluster's VictoriaMetrics operator resources as its Kubernetes API reports them: kind,
 * name, status (operational green; expanding or not yet seen by the operator amber; failed red,
 * with the reason), age; the cluster's error as a warning row.
 */
export function ClusterResourcesTable(props: {
  cluster: string;
  resources?: ClusterResources;
}) {
  const { cluster, resources } = props;
  if (!resources) {
    return (
      <Typography variant="caption" color="textSecondary" display="block">
        Not among the Kubernetes plugin&apos;s clusters
        (kubernetes.clusterLocatorMethods): its VictoriaMetrics resources are
        not read.
      </Typography>
    );
  }
  const empty = resources.resources.length === 0 && !resources.error;
  return (
    <Box>
      <Table size="small" aria-label={`${cluster}: VictoriaMetrics resources`}>
        <TableHead>
          <TableRow>
            <TableCell>Kind</TableCell>
            <TableCell>Name</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Age</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {resources.error && (
            <TableRow aria-label={`${cluster}: resources not read`}>
              <TableCell colSpan={4}>
                <StatusWarning>{resources.error}</StatusWarning>
              </TableCell>
            </TableRow>
          )}
          {empty && (
            <TableRow>
              <TableCell colSpan={4}>
                <Typography variant="body2" color="textSecondary">
                  No VictoriaMetrics operator resources (or the operator&apos;s
                  CRDs are not installed).
                </Typography>
              </TableCell>
            </TableRow>
          )}
          {resources.resources.map(r => (
            <TableRow
              key={`${r.kind}/${r.namespace}/${r.name}`}
              aria-label={`${r.kind} ${r.namespace}/${r.name}: ${r.health}`}
            >
              <TableCell>{r.kind}</TableCell>
              <TableCell>
                <span title={`namespace ${r.namespace}`}>
                  {r.namespace}/{r.name}
                </span>
              </TableCell>
              <TableCell>
                <StatusCell resource={r} />
              </TableCell>
              <TableCell
                title={
                  r.createdAt ? new Date(r.createdAt).toLocaleString() : ''
                }
              >
                {formatResourceAge(r.ageSeconds)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {resources.truncated && (
        <Typography variant="caption" color="textSecondary">
          A kind has more resources than one list returns: only the first are
          shown.
        </Typography>
      )}
    </Box>
  );
}
