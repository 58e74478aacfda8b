/**
 * The pure part of the SLO view: from the readings of one objective's queries to its status
 * per environment (and namespace), with the budget arithmetic of the contract.
 */
import {
  budgetRemaining,
  burnRate,
  errorBudgetMinutes,
  errorBudgetRatio,
  LABELS,
  ServiceSlos,
  SLO_WINDOWS,
  SloBurnAlert,
  SloEnvironmentStatus,
  SloKind,
  SloObjectiveStatus,
  timeToExhaustionMs,
  SLO_EXHAUSTION_WINDOW,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { InstantSample, RangeSeries } from '../vmselect/VmSelectClient';
import { ObjectiveQueries } from './sloQueries';

/** What one objective's queries answered. */
export interface ObjectiveReadings {
  /** Per SLO_WINDOWS entry, in that order. */
  windows: InstantSample[][];
  period: InstantSample[];
  historyErrorRatio: RangeSeries[];
  historyRequests: RangeSeries[];
  buckets?: InstantSample[];
}

/** The burn-rate alerts of an objective in one environment (and namespace); null: unknown. */
export type BurnAlertsOf = (
  slo: SloKind,
  environment: string,
  namespace: string | undefined,
) => SloBurnAlert[] | null;

interface Group {
  environment: string;
  namespace?: string;
}

const groupOf = (metric: Record<string, string>): Group => ({
  environment: metric[LABELS.environment] ?? 'unknown',
  ...(metric[LABELS.namespace] !== undefined
    ? { namespace: metric[LABELS.namespace] }
    : {}),
});
const keyOf = (g: Group) => JSON.stringify([g.environment, g.namespace ?? '']);

/** The instant values by group. */
function byGroup(samples: InstantSample[]): Map<string, number> {
  return new Map(samples.map(s => [keyOf(groupOf(s.metric)), s.value]));
}

/** The points of range series by group, by time (ms). */
function pointsByGroup(
  series: RangeSeries[],
): Map<string, Map<number, number>> {
  return new Map(
    series.map(s => [keyOf(groupOf(s.metric)), new Map(s.points)]),
  );
}

/**
 * The budget over the period, burned down from 1: interval j (one point of the history range)
 * had the error ratio r_j over n_j requests (as a rate: the step is the same for all and
 * cancels out), so the budget left after interval i is
 *
 *   1 - (sum over j <= i of r_j * n_j) / ((1 - target) * sum over all j of n_j)
 *
 * i.e. the errors so far against the budget of the whole period's requests. Its last point is
 * the period's error ratio against the budget: `budgetRemaining` (up to how `rate` extrapolates
 * at the intervals' edges). Null before the first interval with requests, and throughout when
 * the period had none.
 */
export function budgetHistory(
  times: number[],
  errorRatio: Map<number, number> | undefined,
  requests: Map<number, number> | undefined,
  target: number,
): SloEnvironmentStatus['history'] {
  const total = times.reduce((sum, t) => sum + (requests?.get(t) ?? 0), 0);
  if (!(total > 0)) return times.map(t => ({ t, budgetRemaining: null }));
  const budget = errorBudgetRatio(target) * total;
  let errors = 0;
  let seen = false;
  return times.map(t => {
    const n = requests?.get(t);
    if (n !== undefined) {
      seen = true;
      errors += n * (errorRatio?.get(t) ?? 0);
    }
    return { t, budgetRemaining: seen ? 1 - errors / budget : null };
  });
}

/**
 * One objective's status: a row per environment and namespace the readings name, and one per
 * configured environment they do not (all null), configured environments first.
 */
export function objectiveStatus(
  queries: ObjectiveQueries,
  readings: ObjectiveReadings,
  slos: ServiceSlos,
  environments: string[],
  alertsOf: BurnAlertsOf,
): SloObjectiveStatus {
  const { objective } = queries;
  const { target } = objective;
  const budgetMinutes = errorBudgetMinutes(target, slos.periodMs);
  const period = byGroup(readings.period);
  const windows = readings.windows.map(byGroup);
  const historyRatio = pointsByGroup(readings.historyErrorRatio);
  const historyRequests = pointsByGroup(readings.historyRequests);
  const { start, stepSeconds } = queries.history.range;
  const times = Array.from(
    {
      length: Math.round((queries.history.range.end - start) / stepSeconds) + 1,
    },
    (_, i) => (start + i * stepSeconds) * 1000,
  );

  const groups = new Map<string, Group>();
  for (const s of [
    ...readings.period,
    ...readings.windows.flat(),
    ...readings.historyErrorRatio,
    ...readings.historyRequests,
  ]) {
    const g = groupOf(s.metric);
    groups.set(keyOf(g), g);
  }
  const seenEnvironments = new Set(
    [...groups.values()].map(g => g.environment),
  );
  for (const environment of environments) {
    if (!seenEnvironments.has(environment))
      groups.set(keyOf({ environment }), { environment });
  }
  const extra = [...seenEnvironments]
    .filter(e => !environments.includes(e))
    .sort();
  const order = [...environments, ...extra];

  const statuses = [...groups.entries()]
    .sort(
      ([, a], [, b]) =>
        order.indexOf(a.environment) - order.indexOf(b.environment) ||
        (a.namespace ?? '').localeCompare(b.namespace ?? ''),
    )
    .map(([key, group]): SloEnvironmentStatus => {
      const periodRatio = period.get(key);
      const errorRatio = periodRatio ?? null;
      const remaining =
        errorRatio === null ? null : budgetRemaining(errorRatio, target);
      const burnRates = SLO_WINDOWS.map((window, i) => {
        const ratio = windows[i].get(key);
        return {
          window,
          errorRatio: ratio ?? null,
          burnRate: ratio === undefined ? null : burnRate(ratio, target),
        };
      });
      const hourly =
        burnRates.find(b => b.window === SLO_EXHAUSTION_WINDOW)?.burnRate ?? 0;
      const exhaustion =
        remaining === null
          ? undefined
          : timeToExhaustionMs(remaining, hourly, slos.periodMs);
      return {
        ...group,
        sli: errorRatio === null ? null : 1 - errorRatio,
        errorRatio,
        budgetRemaining: remaining,
        budgetRemainingMinutes:
          remaining === null ? null : remaining * budgetMinutes,
        burnRates,
        timeToExhaustionSeconds:
          exhaustion === undefined ? null : exhaustion / 1000,
        alerts: alertsOf(objective.slo, group.environment, group.namespace),
        history: budgetHistory(
          times,
          historyRatio.get(key),
          historyRequests.get(key),
          target,
        ),
      };
    });

  const warnings: string[] = [];
  if (queries.buckets && readings.buckets) {
    const les = new Set(readings.buckets.map(s => s.metric.le));
    // The histogram is there (its +Inf bucket) but has no bucket at the threshold: every
    // request would count as too slow, so the SLI reads nothing at all.
    if (les.has('+Inf') && [...les].every(le => le === '+Inf')) {
      warnings.push(
        `the threshold ${queries.thresholdText ?? `${objective.thresholdSeconds}s`} is not a bucket boundary of ${queries.buckets.metric}`,
      );
    }
  }

  return {
    slo: objective.slo,
    target,
    ...(objective.thresholdSeconds !== undefined
      ? { thresholdSeconds: objective.thresholdSeconds }
      : {}),
    budgetMinutes,
    environments: statuses,
    warnings,
  };
}
