/**
 * An entity's alert history: pending and firing intervals per alert and environment, from the
 * `ALERTS` series vmalert writes (`-remoteWrite.url`), in one range query.
 */
import {
  AlertInterval,
  AlertScope,
  buildSelector,
  EntityAlertHistoryResponse,
  escapeRegex,
  LabelMatcher,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { RangeSeries } from '../vmselect/VmSelectClient';
import { QueryRange } from '../metrics/timeRange';

/** Points per series of the history: finer than the charts, a step of 1 min over a day. */
export const HISTORY_MAX_POINTS = 1500;
/** The history's default range. */
export const HISTORY_DEFAULT_RANGE_SECONDS = 24 * 3600;

/**
 * `label=~"<value>|"`: the value, or the label absent. The value is regex-escaped, then the
 * whole pattern is escaped as a string literal by `buildSelector`.
 */
const valueOrAbsent = (name: string, value: string): LabelMatcher => ({
  name,
  op: '=~',
  value: `${escapeRegex(value)}|`,
});

/**
 * The `ALERTS` selector of a scope, with the same semantics as `alertLabelsMatchScope`:
 * service exact, namespace (absent only for the sole owner), strict matchers always, soft ones when present.
 */
export function alertsHistoryMatchers(scope: AlertScope): LabelMatcher[] {
  const matchers: LabelMatcher[] = [];
  if (scope.service !== undefined) {
    matchers.push({ name: LABELS.service, op: '=', value: scope.service });
  } else {
    if (Array.isArray(scope.alertNames)) {
      matchers.push({
        name: 'alertname',
        op: '=~',
        value: scope.alertNames.map(escapeRegex).join('|'),
      });
    }
    // As alertLabelsMatchScope: an entity naming no service sees no service's alerts.
    if (
      !scope.strictMatchers.some(m => m.name === LABELS.service && m.op === '=')
    ) {
      matchers.push({ name: LABELS.service, op: '=', value: '' });
    }
  }
  if (scope.namespace !== undefined)
    matchers.push(
      // As alertLabelsMatchScope: a service's alerts without a namespace only for its sole owner.
      scope.service === undefined || scope.unnamespacedAlerts
        ? valueOrAbsent(LABELS.namespace, scope.namespace)
        : { name: LABELS.namespace, op: '=', value: scope.namespace },
    );
  matchers.push(...scope.strictMatchers);
  for (const m of scope.softMatchers) {
    // `!=` already matches an absent label; `=` must say so.
    matchers.push(m.op === '=' ? valueOrAbsent(m.name, m.value) : m);
  }
  return matchers;
}

/** The one query of the history. */
export function alertHistoryQuery(scope: AlertScope): string {
  return `max by (alertname, alertstate, ${LABELS.environment}, ${LABELS.cluster}) (${buildSelector(
    alertsHistoryMatchers(scope),
    'ALERTS',
  )})`;
}

/** Consecutive points (no gap longer than a step) become one interval ending a step later. */
export function toIntervals(
  points: Array<[number, number]>,
  state: AlertInterval['state'],
  stepMs: number,
  endMs: number,
): AlertInterval[] {
  const intervals: AlertInterval[] = [];
  for (const [t] of points) {
    const last = intervals[intervals.length - 1];
    if (last && t - last.end <= stepMs * 0.5 + 1)
      last.end = Math.min(t + stepMs, endMs);
    else intervals.push({ state, start: t, end: Math.min(t + stepMs, endMs) });
  }
  return intervals;
}

export function alertHistory(
  entityRef: string,
  series: RangeSeries[],
  range: QueryRange,
  environments: string[],
): EntityAlertHistoryResponse {
  const stepMs = range.stepSeconds * 1000;
  const endMs = range.end * 1000;
  const byAlert = new Map<
    string,
    EntityAlertHistoryResponse['alerts'][number]
  >();
  for (const s of series) {
    const state = s.metric.alertstate;
    if (state !== 'firing' && state !== 'pending') continue;
    const alertname = s.metric.alertname ?? '';
    const environment = s.metric[LABELS.environment] ?? 'unknown';
    const cluster = s.metric[LABELS.cluster];
    const key = JSON.stringify([alertname, environment, cluster ?? '']);
    let entry = byAlert.get(key);
    if (!entry) {
      entry = {
        alertname,
        environment,
        ...(cluster ? { cluster } : {}),
        intervals: [],
      };
      byAlert.set(key, entry);
    }
    entry.intervals.push(...toIntervals(s.points, state, stepMs, endMs));
  }
  const rank = (e: string) => {
    const i = environments.indexOf(e);
    return i < 0 ? environments.length : i;
  };
  const alerts = [...byAlert.values()]
    .map(a => ({
      ...a,
      intervals: a.intervals.sort((x, y) => x.start - y.start),
    }))
    .sort(
      (a, b) =>
        a.alertname.localeCompare(b.alertname) ||
        rank(a.environment) - rank(b.environment) ||
        (a.cluster ?? '').localeCompare(b.cluster ?? ''),
    );
  return {
    entityRef,
    from: new Date(range.start * 1000).toISOString(),
    to: new Date(range.end * 1000).toISOString(),
    stepSeconds: range.stepSeconds,
    alerts,
  };
}
