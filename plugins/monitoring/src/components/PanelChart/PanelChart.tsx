import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { PanelResult } from '@internal/plugin-monitoring-common';
import { useMemo } from 'react';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { environmentColor } from '../environmentColors';
import { formatDateTime, formatTimestamp, formatValue } from '../format';

export interface PanelChartProps {
  panel: PanelResult;
  /** Environments in display order; lines are drawn in this order. */
  environments: string[];
  /** The queried range, unix milliseconds: the x axis spans it whatever the data covers. */
  from: number;
  to: number;
  /** Chart height in pixels. */
  height?: number;
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
  const { panel, environments, from, to, height = 240 } = props;
  const { rows, lines } = useMemo(
    () => toRows(panel, environments),
    [panel, environments],
  );
  const rangeMs = to - from;

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
            margin={{ top: 8, right: 16, bottom: 0, left: 12 }}
          >
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[from, to]}
              allowDataOverflow
              tickFormatter={(t: number) => formatTimestamp(t, rangeMs)}
              minTickGap={24}
            />
            <YAxis
              width={92}
              domain={[0, 'auto']}
              tickFormatter={(v: number) => formatValue(panel.unit, v)}
            />
            <Tooltip
              labelFormatter={(t: number) => formatDateTime(t)}
              formatter={(value: number) => formatValue(panel.unit, value)}
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
          </LineChart>
        </ResponsiveContainer>
      </Box>
    );
  }

  return (
    <InfoCard title={panel.title} titleTypographyProps={{ component: 'h3' }}>
      {body}
    </InfoCard>
  );
}
