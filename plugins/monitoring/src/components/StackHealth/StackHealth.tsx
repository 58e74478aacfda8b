import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import {
  HubComponentHealth,
  SpokeHealth,
  SpokeVerdict,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { ReactNode } from 'react';
import { useStackHealth } from '../../hooks/useStackHealth';
import { formatValue } from '../../utils/format';
import { ClusterResourcesTable } from '../ClusterResources';
import { snapshotCaption, StaleSnapshotWarning } from '../SnapshotStatus';
import { Sparkline } from '../Sparkline';

const useStyles = makeStyles(theme => ({
  figures: {
    display: 'grid',
    gridTemplateColumns: 'repeat(3, minmax(0, 1fr))',
    gap: theme.spacing(1, 2),
  },
  trends: {
    display: 'flex',
    gap: theme.spacing(3),
    flexWrap: 'wrap',
    marginTop: theme.spacing(2),
  },
}));

/** The hub's components as people name them. */
export const COMPONENT_TITLES: Record<HubComponentHealth['component'], string> =
  {
    vminsert: 'vminsert',
    vmselect: 'vmselect',
    vmstorage: 'vmstorage',
    vmauth: 'vmauth',
    vmalert: 'vmalert',
    vmalertmanager: 'Alertmanager',
  };

export function verdictColor(
  theme: Theme,
  verdict: SpokeVerdict | HubComponentHealth['status'],
): string {
  if (verdict === 'down') return theme.palette.error.main;
  if (verdict === 'lagging' || verdict === 'degraded')
    return theme.palette.warning.main;
  return theme.palette.success.main;
}

/** A verdict with Backstage's status icons (not colour alone). */
export function VerdictStatus(props: {
  verdict: SpokeVerdict | HubComponentHealth['status'];
  children?: ReactNode;
}) {
  const { verdict, children } = props;
  const text = children ?? verdict;
  if (verdict === 'down') return <StatusError>{text}</StatusError>;
  if (verdict === 'lagging' || verdict === 'degraded')
    return <StatusWarning>{text}</StatusWarning>;
  return <StatusOK>{text}</StatusOK>;
}

const count = (v: number | null) =>
  v === null ? 'no data' : formatValue('none', v);
const age = (v: number | null) =>
  v === null ? 'none in 1 day' : `${formatValue('seconds', v)} ago`;

function Figure(props: { label: string; value: string }) {
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" display="block">
        {props.label}
      </Typography>
      <Typography variant="body2" aria-label={props.label}>
        {props.value}
      </Typography>
    </Box>
  );
}

function Trend(props: {
  title: string;
  values: Array<number | null>;
  latest: string;
  color: string;
  cluster: string;
}) {
  return (
    <Box>
      <Typography variant="caption" color="textSecondary" display="block">
        {props.title}, last hour · now {props.latest}
      </Typography>
      <Sparkline
        values={props.values}
        color={props.color}
        width={220}
        height={40}
        label={`${props.cluster}: ${props.title}, last hour`}
      />
    </Box>
  );
}

/** One cluster's ingestion: verdict and reason, the figures, and the trends of the last hour. */
export function SpokeSummary(props: {
  spoke: SpokeHealth;
  countWindow: string;
}) {
  const { spoke, countWindow } = props;
  const classes = useStyles();
  const theme = useTheme();
  const color = verdictColor(theme, spoke.verdict);
  return (
    <Box data-verdict={spoke.verdict}>
      <Box mb={1} aria-label={`${spoke.cluster}: ${spoke.verdict}`}>
        <VerdictStatus verdict={spoke.verdict}>
          {spoke.verdict}
          {spoke.reason ? ` · ${spoke.reason}` : ''}
        </VerdictStatus>
      </Box>
      <Box className={classes.figures}>
        <Figure label="Newest sample" value={age(spoke.lagSeconds)} />
        <Figure label="Samples/s" value={count(spoke.samplesPerSecond)} />
        <Figure label="Active series" value={count(spoke.activeSeries)} />
        <Figure
          label="Queue"
          value={
            spoke.queueBytes === null
              ? 'no data'
              : formatValue('bytes', spoke.queueBytes)
          }
        />
        <Figure
          label={`Dropped (${countWindow})`}
          value={count(spoke.droppedSamples)}
        />
        <Figure
          label={`Write errors (${countWindow})`}
          value={count(spoke.remoteWriteErrors)}
        />
      </Box>
      <Box className={classes.trends}>
        <Trend
          title="samples/s"
          values={spoke.samplesTrend}
          latest={count(spoke.samplesPerSecond)}
          color={color}
          cluster={spoke.cluster}
        />
        <Trend
          title="queue"
          values={spoke.queueTrend}
          latest={
            spoke.queueBytes === null
              ? 'no data'
              : formatValue('bytes', spoke.queueBytes)
          }
          color={color}
          cluster={spoke.cluster}
        />
      </Box>
    </Box>
  );
}

/** The hub's components: up, degraded or down, with instances up of scraped. */
export function HubComponentsTable(props: {
  components: HubComponentHealth[];
}) {
  if (props.components.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No hub scrapes its own components (no series with a{' '}
        <code>hub_component</code> label): deploy the hub template's vmagent, or
        add its relabeling to yours.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="Hub components">
      <TableHead>
        <TableRow>
          <TableCell>Component</TableCell>
          <TableCell>Hub</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Instances up</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.components.map(c => (
          <TableRow
            key={`${c.cluster}/${c.component}`}
            aria-label={`${COMPONENT_TITLES[c.component]}: ${c.status}`}
          >
            <TableCell>{COMPONENT_TITLES[c.component]}</TableCell>
            <TableCell>{c.cluster}</TableCell>
            <TableCell>
              <VerdictStatus verdict={c.status} />
            </TableCell>
            <TableCell>
              {c.up} / {c.instances}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** A cluster's VictoriaMetrics resources as its Kubernetes API reports them, under a heading. */
export function ResourcesSection(props: { spoke: SpokeHealth }) {
  const { spoke } = props;
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" gutterBottom>
        VictoriaMetrics resources
      </Typography>
      <ClusterResourcesTable
        cluster={spoke.cluster}
        resources={spoke.kubernetes}
      />
    </Box>
  );
}

/** A card per cluster (worst first) with its resources, and the hub's components. */
export function StackHealth(props: { response: StackResponse }) {
  const { response } = props;
  const stale = (
    <StaleSnapshotWarning
      snapshot={response.snapshot}
      what="the stack's health"
    />
  );
  if (response.clusters.length === 0) {
    return (
      <>
        {stale}
        <EmptyState
          missing="data"
          title="No cluster writes to the hub"
          description="No vmagent's own series (with a cluster label) reached the hub in the last day, and no cluster is configured under kubernetes.clusterLocatorMethods."
        />
      </>
    );
  }
  const { laggingAfterSeconds, downAfterSeconds } = response.thresholds;
  return (
    <>
      {stale}
      <Grid container spacing={3}>
        {response.clusters.map(spoke => (
          <Grid item xs={12} md={6} lg={4} key={spoke.cluster}>
            <InfoCard
              title={spoke.cluster}
              subheader={[spoke.hub ? 'hub' : 'spoke', spoke.environment]
                .filter(Boolean)
                .join(' · ')}
            >
              <SpokeSummary spoke={spoke} countWindow={response.countWindow} />
              <ResourcesSection spoke={spoke} />
            </InfoCard>
          </Grid>
        ))}
        <Grid item xs={12}>
          <InfoCard
            title="Hub components"
            subheader="as the hub's vmagent scrapes them"
          >
            <HubComponentsTable components={response.components} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <Typography variant="caption" color="textSecondary">
            Lagging when the newest sample is older than{' '}
            {formatValue('seconds', laggingAfterSeconds)}, samples were dropped,
            or writes fail with data queued; down past{' '}
            {formatValue('seconds', downAfterSeconds)}.
            {response.snapshot && ` ${snapshotCaption(response.snapshot)}.`}
          </Typography>
        </Grid>
      </Grid>
    </>
  );
}

export function StackHealthTab() {
  const stack = useStackHealth();
  if (stack.error)
    return (
      <ResponseErrorPanel
        error={stack.error}
        title="Could not load the stack's health"
      />
    );
  if (!stack.value) return <Progress />;
  return <StackHealth response={stack.value} />;
}
