/**
 * The SLI expressions of the SLO contract (slo.ts): the error ratio over a window, the request
 * rate it divides by, and the fleet's budget query. The hub's recording rules and the backend's
 * instant and range reads all use these, so they agree by construction.
 */
import { parseDurationMs } from './duration';
import { LABELS } from './labelContract';
import {
  buildSelector,
  escapeRegex,
  InvalidMatcherError,
  LabelMatcher,
} from './promql';
import {
  isServiceAlertProfile,
  SERVICE_ALERT_PROFILES,
  SERVICE_ALERT_SIGNALS,
  ServiceAlertProfile,
} from './serviceAlerts';
import { SLO_GROUPING, SLO_RECORDS, SloObjective } from './slo';

/**
 * Spellings of a bucket boundary: `0.5`; `1` and `1.0` (Go clients write the latter).
 *
 * @public
 */
export function bucketBoundarySpellings(seconds: number): string[] {
  const plain = String(seconds);
  return Number.isInteger(seconds) ? [plain, `${plain}.0`] : [plain];
}

/** @public */
export interface SloQueryOptions {
  profile: ServiceAlertProfile;
  /** The service's matchers (from `resolveServiceTarget`), escaped when rendered. */
  matchers: readonly LabelMatcher[];
  objective: SloObjective;
  /** A window such as `5m`, or the period such as `30d`. */
  window: string;
}

function checked(o: SloQueryOptions) {
  if (!isServiceAlertProfile(o.profile)) {
    throw new InvalidMatcherError(
      `profile "${String(o.profile).slice(0, 64)}" has no SLI; use one of ${SERVICE_ALERT_PROFILES.join(', ')}`,
    );
  }
  if (parseDurationMs(o.window) === undefined) {
    throw new InvalidMatcherError(
      `"${o.window.slice(0, 64)}" is not a window like 5m`,
    );
  }
  const signals = SERVICE_ALERT_SIGNALS[o.profile];
  const by = SLO_GROUPING.join(', ');
  const sum = (metric: string, extra: LabelMatcher[]) =>
    `sum by (${by}) (rate(${buildSelector([...o.matchers, ...extra], metric)}[${o.window}]))`;
  return { signals, sum };
}

/**
 * The matcher of a latency objective's bucket: `le` in any spelling of the threshold.
 *
 * @public
 */
export function sloThresholdMatcher(thresholdSeconds: number): LabelMatcher {
  return {
    name: 'le',
    op: '=~',
    value: bucketBoundarySpellings(thresholdSeconds).map(escapeRegex).join('|'),
  };
}

/**
 * The rate of the requests an SLI is a share of: every request, or the histogram's +Inf bucket.
 *
 * @public
 */
export function sloRequestRateQuery(o: SloQueryOptions): string {
  const { signals, sum } = checked(o);
  return o.objective.slo === 'availability'
    ? sum(signals.requestsMetric, [])
    : sum(signals.durationBucketsMetric, [
        { name: 'le', op: '=', value: '+Inf' },
      ]);
}

/**
 * The SLI's error ratio over a window, on the raw series: failed (or too slow) requests over
 * all requests, request-weighted over the whole window. The recording rules and the backend's
 * instant reads use this one expression, so they agree by construction.
 *
 * @public
 */
export function sloErrorRatioQuery(o: SloQueryOptions): string {
  const { signals, sum } = checked(o);
  const total = sloRequestRateQuery(o);
  if (o.objective.slo === 'availability') {
    const errors = sum(signals.requestsMetric, [signals.errorMatcher]);
    // `or total * 0`: a group with requests but no failed-request series reads 0, not nothing.
    return `(${errors} or ${total} * 0) / ${total}`;
  }
  const threshold = o.objective.thresholdSeconds;
  if (!(threshold !== undefined && threshold > 0)) {
    throw new InvalidMatcherError('a latency objective needs a threshold');
  }
  const fast = sum(signals.durationBucketsMetric, [
    sloThresholdMatcher(threshold),
  ]);
  return `(${total} - ${fast}) / ${total}`;
}

/**
 * The fleet's one grouped budget query: the worst objective's remaining budget per service,
 * namespace and environment, from the recorded series (as cheap at 5,000 services as at one).
 *
 * @public
 */
export function fleetBudgetQuery(): string {
  return `min by (${[LABELS.service, ...SLO_GROUPING].join(', ')}) (${SLO_RECORDS.budgetRemaining})`;
}
