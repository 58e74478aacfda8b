import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EntityAlertHistoryResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { formatDateTime } from '../../utils/format';
import { timeTicks } from '../../utils/timeTicks';

const useStyles = makeStyles(theme => ({
  row: {
    display: 'grid',
    gridTemplateColumns: '16rem 1fr',
    alignItems: 'center',
    gap: theme.spacing(1),
    minHeight: 22,
  },
  label: { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' },
  track: {
    position: 'relative',
    height: 14,
    borderRadius: 3,
    backgroundColor:
      theme.palette.type === 'dark'
        ? theme.palette.grey[800]
        : theme.palette.grey[200],
  },
  firing: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    backgroundColor: theme.palette.error.main,
    minWidth: 2,
  },
  pending: {
    position: 'absolute',
    top: 3,
    bottom: 3,
    backgroundColor: theme.palette.warning.main,
    minWidth: 2,
  },
  axis: { position: 'relative', height: 18 },
  tick: {
    position: 'absolute',
    transform: 'translateX(-50%)',
    whiteSpace: 'nowrap',
  },
}));

export interface AlertTimelineProps {
  history: EntityAlertHistoryResponse;
}

/** One row per alert and environment across the range: red while firing, amber while pending. */
export function AlertTimeline(props: AlertTimelineProps) {
  const { history } = props;
  const classes = useStyles();
  const from = Date.parse(history.from);
  const to = Date.parse(history.to);
  const span = Math.max(1, to - from);
  const pct = (t: number) =>
    `${(Math.min(Math.max(t - from, 0), span) / span) * 100}%`;

  if (history.alerts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No alert of this service was pending or firing in this range.
      </Typography>
    );
  }
  return (
    <Box role="figure" aria-label="Alert timeline">
      {history.alerts.map(a => (
        <Box
          key={`${a.alertname}/${a.environment}/${a.cluster}`}
          className={classes.row}
        >
          <Typography
            variant="body2"
            className={classes.label}
            title={`${a.alertname} · ${a.environment}`}
          >
            {a.alertname} · {a.environment}
          </Typography>
          <Box
            className={classes.track}
            data-testid={`timeline-${a.alertname}-${a.environment}`}
          >
            {a.intervals.map(i => (
              <Tooltip
                key={`${i.state}-${i.start}`}
                title={`${i.state} ${formatDateTime(i.start)} – ${formatDateTime(i.end)}`}
              >
                <span
                  className={classes[i.state]}
                  data-state={i.state}
                  style={{
                    left: pct(i.start),
                    width: `calc(${pct(i.end)} - ${pct(i.start)})`,
                  }}
                />
              </Tooltip>
            ))}
          </Box>
        </Box>
      ))}
      <Box className={classes.row}>
        <span />
        <Box className={classes.axis}>
          {timeTicks(from, to, 6).map(t => (
            <Typography
              key={t.value}
              variant="caption"
              color="textSecondary"
              className={classes.tick}
              style={{ left: pct(t.value) }}
            >
              {t.label}
            </Typography>
          ))}
        </Box>
      </Box>
    </Box>
  );
}
