import { InfoCard, Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import {
  PanelResult,
  PanelUnit,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo, useState } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { environmentColor } from '../../utils/environmentColors';
import { formatDateTime, formatValue, NO_DATA } from '../../utils/format';
import { timeTicks } from '../../utils/timeTicks';

export interface PanelChartProps {
  panel: PanelResult;
  /** Environments in display order; lines are drawn in this order. */
  environments: string[];
  /** The queried range, unix milliseconds: the x axis spans it whatever the data covers. */
  from: number;
  to: number;
  /** Chart height in pixels. */
  height?: number;
  /** Called with the range a user drags across the chart (unix milliseconds). */
  onZoom?: (from: number, to: number) => void;
  /** The service's own dashboard (`monitoring/dashboard-url`): linked instead of Explore. */
  dashboardUrl?: string;
}

/** Every environment at the hovered time, "no data" where one has no point there. */
function AllEnvironmentsTooltip(props: {
  active?: boolean;
  label?: number;
  payload?: Array<{ payload: Row }>;
  lines: Array<{ key: string; environment: string }>;
  unit: PanelUnit;
}) {
  const { active, label, payload, lines, unit } = props;
  if (!active || label === undefined || !payload?.length) return null;
  const row = payload[0].payload;
  return (
    <Paper elevation={3} style={{ padding: 8 }} data-testid="chart-tooltip">
      <Typography variant="caption" display="block">
        {formatDateTime(label)}
      </Typography>
      {lines.map(({ key, environment }) => (
        <Typography
          key={environment}
          variant="body2"
          style={{ color: environmentColor(environment) }}
        >
          {environment}:{' '}
          {row[key] === undefined ? NO_DATA : formatValue(unit, row[key])}
        </Typography>
      ))}
    </Paper>
  );
}

type Row = { t: number } & Record<string, number>;

/**
 * Merges the per-environment series into recharts rows keyed by timestamp. Values are keyed
 * `v0`, `v1`... rather than by environment name: recharts reads a dotted dataKey as a path.
 */
function toRows(panel: PanelResult, environments: string[]) {
  const lines = environments
    .map(environment => panel.series.find(s => s.environment === environment))
    .filter((s): s is NonNullable<typeof s> =>
      Boolean(s && s.points.length > 0),
    )
    .map((series, i) => ({ series, key: `v${i}` }));
  const byTime = new Map<number, Row>();
  for (const { series, key } of lines) {
    for (const [t, value] of series.points) {
      let row = byTime.get(t);
      if (!row) {
        row = { t } as Row;
        byTime.set(t, row);
      }
      row[key] = value;
    }
  }
  const rows = [...byTime.values()].sort((a, b) => a.t - b.t);
  return {
    rows,
    lines: lines.map(({ series, key }) => ({
      key,
      environment: series.environment,
    })),
  };
}

/** One panel of the profile: a line per environment, axes and tooltip formatted by unit. */
export function PanelChart(props: PanelChartProps) {
  const {
    panel,
    environments,
    from,
    to,
    height = 240,
    onZoom,
    dashboardUrl,
  } = props;
  const { rows, lines } = useMemo(
    () => toRows(panel, environments),
    [panel, environments],
  );
  const ticks = useMemo(() => timeTicks(from, to, 6), [from, to]);
  const tickLabels = useMemo(
    () => new Map(ticks.map(t => [t.value, t.label])),
    [ticks],
  );
  // Drag-to-zoom: where the drag started and where it is now (unix ms).
  const [drag, setDrag] = useState<{ a: number; b: number }>();
  const endDrag = () => {
    if (drag && onZoom && Math.abs(drag.b - drag.a) > 1000) {
      onZoom(Math.min(drag.a, drag.b), Math.max(drag.a, drag.b));
    }
    setDrag(undefined);
  };

  let body;
  if (panel.error) {
    body = (
      <Typography color="error" variant="body2">
        Could not load this panel: {panel.error}
      </Typography>
    );
  } else if (lines.length === 0) {
    body = (
      <Typography color="textSecondary" variant="body2">
        No data in this time range.
      </Typography>
    );
  } else {
    body = (
      <Box
        role="img"
        aria-label={`${panel.title} by environment`}
        height={height}
      >
        <ResponsiveContainer width="100%" height="100%">
          <LineChart
            data={rows}
            margin={{ top: 8, right: 28, bottom: 0, left: 12 }}
            onMouseDown={(e: any) =>
              e?.activeLabel !== undefined &&
              setDrag({ a: e.activeLabel, b: e.activeLabel })
            }
            onMouseMove={(e: any) =>
              drag &&
              e?.activeLabel !== undefined &&
              setDrag({ ...drag, b: e.activeLabel })
            }
            onMouseUp={endDrag}
            onMouseLeave={() => setDrag(undefined)}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              allowDataOverflow
              ticks={ticks.map(t => t.value)}
              tickFormatter={(t: number) =>
                tickLabels.get(t) ?? formatDateTime(t)
              }
              interval={0}
            />
            <YAxis
              width={92}
              domain={[0, 'auto']}
              tickFormatter={(v: number) => formatValue(panel.unit, v)}
            />
            <Tooltip
              content={
                <AllEnvironmentsTooltip lines={lines} unit={panel.unit} />
              }
            />
            <Legend />
            {lines.map(({ key, environment }) => (
              <Line
                key={environment}
                dataKey={key}
                name={environment}
                type="linear"
                stroke={environmentColor(environment)}
                strokeWidth={2}
                dot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
            {drag && (
              <ReferenceArea x1={drag.a} x2={drag.b} strokeOpacity={0.3} />
            )}
          </LineChart>
        </ResponsiveContainer>
      </Box>
    );
  }

  const links = panel.links ?? {};
  const grafana = dashboardUrl
    ? { url: dashboardUrl, label: 'Open dashboard' }
    : links.grafana && { url: links.grafana, label: 'Explore in Grafana' };
  return (
    <InfoCard title={panel.title} titleTypographyProps={{ component: 'h3' }}>
      {body}
      {(links.vmui || grafana) && (
        <Box display="flex" gridGap={16} mt={1}>
          {links.vmui && (
            <Link to={links.vmui} target="_blank" rel="noopener noreferrer">
              Open in vmui
            </Link>
          )}
          {grafana && (
            <Link to={grafana.url} target="_blank" rel="noopener noreferrer">
              {grafana.label}
            </Link>
          )}
        </Box>
      )}
    </InfoCard>
  );
}
