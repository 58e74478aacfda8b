import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { SloEnvironmentStatus } from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo } from 'react';
import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatDateTime } from '../../utils/format';
import {
  budgetColor,
  budgetHealth,
  formatBudgetPercent,
} from '../../utils/sloFormat';
import { timeTicks } from '../../utils/timeTicks';

type Point = { t: number; budget: number | null };

/** The history's points (unix milliseconds, as every point of the monitoring API), oldest first. */
function toPoints(history: SloEnvironmentStatus['history']): Point[] {
  return history
    .map(p => ({
      t: p.t,
      budget:
        p.budgetRemaining === null || !Number.isFinite(p.budgetRemaining)
          ? null
          : p.budgetRemaining,
    }))
    .sort((a, b) => a.t - b.t);
}

/**
 * The budget over the period, burned down from 100 % at its start, with a line at zero where
 * it is exhausted; drawn in the colour of the budget's health now.
 */
export function BudgetChart(props: {
  history: SloEnvironmentStatus['history'];
  remaining: number | null;
  /** e.g. "payments availability production". */
  label: string;
  period: string;
  height?: number;
}) {
  const { history, remaining, label, period, height = 160 } = props;
  const theme = useTheme();
  const points = useMemo(() => toPoints(history), [history]);
  const values = points
    .map(p => p.budget)
    .filter((v): v is number => v !== null);
  const from = points[0]?.t ?? 0;
  const to = points[points.length - 1]?.t ?? 0;
  const ticks = useMemo(() => timeTicks(from, to, 4), [from, to]);
  if (values.length === 0) {
    return (
      <Typography variant="caption" color="textSecondary">
        No budget history over the period.
      </Typography>
    );
  }
  const color = budgetColor(theme, budgetHealth(remaining));
  // Zero and the full budget are always on the axis.
  const domain = [Math.min(0, ...values), Math.max(1, ...values)];
  return (
    <Box
      role="img"
      aria-label={`${label} budget over the last ${period}`}
      height={height}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart
          data={points}
          margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={[from, to]}
            ticks={ticks.map(t => t.value)}
            tickFormatter={(t: number) =>
              ticks.find(x => x.value === t)?.label ?? formatDateTime(t)
            }
            interval={0}
          />
          <YAxis
            width={72}
            domain={domain}
            tickFormatter={(v: number) => formatBudgetPercent(v)}
          />
          <Tooltip
            labelFormatter={(t: number) => formatDateTime(t)}
            formatter={(v: number) => [formatBudgetPercent(v), 'Budget']}
          />
          <ReferenceLine
            y={0}
            stroke={theme.palette.error.main}
            strokeDasharray="4 4"
            ifOverflow="extendDomain"
          />
          <Line
            dataKey="budget"
            name="Budget remaining"
            type="linear"
            stroke={color}
            strokeWidth={2}
            dot={false}
            isAnimationActive={false}
            connectNulls={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </Box>
  );
}
