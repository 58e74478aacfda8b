import { getCompoundEntityRef } from '@backstage/catalog-model';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import RefreshIcon from '@material-ui/icons/Refresh';
import ZoomOutIcon from '@material-ui/icons/ZoomOut';
import {
  ANNOTATION_DASHBOARD_URL,
  EntityMetricsResponse,
  MONITORING_ANNOTATIONS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo, useState } from 'react';
import { EntityAlertsSection } from '../EntityAlertsSection';
import { EntityClaimsWarning } from '../EntityClaimsWarning';
import { EntityMetricsView } from '../EntityMetricsView';
import { EntitySloSection } from '../EntitySloSection';
import { isMonitoringAvailable } from '../../utils/isMonitoringAvailable';
import { formatDateTime } from '../../utils/format';
import { safeHttpUrl } from '../../utils/links';
import {
  DEFAULT_TIME_RANGE,
  timeRange,
  TimeRangeKey,
  TimeRangePicker,
} from '../TimeRangePicker';
import { useEntityMetrics } from '../../hooks/useEntityMetrics';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
  },
  spacer: { flexGrow: 1 },
  linkIcon: {
    fontSize: '1rem',
    marginLeft: theme.spacing(0.5),
    verticalAlign: 'middle',
  },
}));

function Caption(props: { response?: EntityMetricsResponse }) {
  const { response } = props;
  if (!response) return null;
  return (
    <Typography variant="body2" color="textSecondary">
      service="{response.service}" · profile {response.profile} · step{' '}
      {response.stepSeconds}s
    </Typography>
  );
}

/** The Monitoring tab of a service: summary per environment and a chart per panel. */
function MonitoringTab() {
  const { entity } = useEntity();
  const classes = useStyles();
  const [rangeKey, setRangeKey] = useState<TimeRangeKey>(DEFAULT_TIME_RANGE);
  const [now, setNow] = useState(() => new Date());
  // A range dragged across a chart replaces the preset until it is reset.
  const [zoom, setZoom] = useState<{ from: number; to: number }>();
  const preset = timeRange(rangeKey);
  const to = zoom ? new Date(zoom.to) : now;
  const range = zoom
    ? {
        ms: zoom.to - zoom.from,
        label: `${formatDateTime(zoom.from)} – ${formatDateTime(zoom.to)}`,
      }
    : preset;
  const entityRef = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const { value, loading, error } = useEntityMetrics(entityRef, range.ms, to);
  const dashboardUrl = safeHttpUrl(
    entity.metadata.annotations?.[ANNOTATION_DASHBOARD_URL],
  );

  let body;
  if (error && !loading) {
    body = <ResponseErrorPanel error={error} />;
  } else if (!value) {
    body = <Progress />;
  } else {
    body = (
      <>
        {loading && <Progress />}
        <EntityMetricsView
          response={value}
          from={new Date(to.getTime() - range.ms)}
          to={to}
          rangeLabel={range.label}
          // The backend's shortest range is a minute: a narrower drag widens around its middle.
          onZoom={(from, until) => {
            const mid = (from + until) / 2;
            const half = Math.max(until - from, 60_000) / 2;
            setZoom({ from: mid - half, to: mid + half });
          }}
          dashboardUrl={dashboardUrl}
        />
      </>
    );
  }

  return (
    <Grid container spacing={3} direction="column">
      <Grid item>
        <Box className={classes.header}>
          <TimeRangePicker
            value={rangeKey}
            onChange={key => {
              setRangeKey(key);
              setZoom(undefined);
              setNow(new Date());
            }}
          />
          {zoom && (
            <Chip
              label={`Zoomed: ${range.label}`}
              onDelete={() => setZoom(undefined)}
              deleteIcon={<ZoomOutIcon aria-label="Reset zoom" />}
            />
          )}
          <Tooltip title="Refresh">
            <span>
              <IconButton
                aria-label="Refresh"
                onClick={() => {
                  setZoom(undefined);
                  setNow(new Date());
                }}
                disabled={loading}
              >
                <RefreshIcon />
              </IconButton>
            </span>
          </Tooltip>
          <Caption response={error ? undefined : value} />
          <span className={classes.spacer} />
          {dashboardUrl && (
            <Link to={dashboardUrl} target="_blank" rel="noopener noreferrer">
              Open dashboard
              <OpenInNewIcon className={classes.linkIcon} aria-hidden />
            </Link>
          )}
        </Box>
      </Grid>
      <Grid item>
        <EntityAlertsSection entityRef={entityRef} refreshedAt={now} />
      </Grid>
      <Grid item>{body}</Grid>
      <Grid item>
        <EntitySloSection refreshedAt={now} />
      </Grid>
    </Grid>
  );
}

/**
 * The entity page "Monitoring" tab. Shows Backstage's missing-annotation state for an entity
 * that does not name a service, and never calls the backend for it.
 *
 * @public
 */
export function EntityMonitoringContent() {
  const { entity } = useEntity();
  if (!isMonitoringAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState annotation={[...MONITORING_ANNOTATIONS]} />
    );
  }
  return (
    <>
      <EntityClaimsWarning />
      <MonitoringTab />
    </>
  );
}
