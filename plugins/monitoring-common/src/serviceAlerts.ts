/**
 * A service's alert expressions (error ratio and latency quantile), built from its selector
 * matchers, per metrics profile.
 *
 * The series and shapes are the ones of the backend's per-service panels (the http and grpc
 * profiles of `monitoring-backend`): the same metric names, the same error matcher, the same
 * `(errors or requests * 0) / requests` ratio, the same `histogram_quantile` over `le`. Only the
 * grouping labels and the rate window are parameters: the panels are built from the same shapes
 * (`servicePanelTemplates`), with placeholders where the alerts have values. Every label value
 * goes through `buildSelector` / `renderMatchers`, never into the text directly.
 */
import { parseDurationMs } from './duration';
import { LABELS } from './labelContract';
import {
  buildSelector,
  escapeRegex,
  InvalidMatcherError,
  LabelMatcher,
  renderMatchers,
} from './promql';

/**
 * The series of one profile that the alerts read.
 *
 * @public
 */
export interface ServiceAlertSignals {
  /** Counter of handled requests, one series per status. */
  requestsMetric: string;
  /** The matcher that picks the failed requests out of `requestsMetric`. */
  errorMatcher: LabelMatcher;
  /** Histogram buckets of the request duration in seconds. */
  durationBucketsMetric: string;
}

/**
 * Profiles with alert expressions: the built-in query profiles of the backend.
 *
 * @public
 */
export const SERVICE_ALERT_SIGNALS = {
  http: {
    requestsMetric: 'http_requests_total',
    errorMatcher: { name: 'code', op: '=~', value: '5..' },
    durationBucketsMetric: 'http_request_duration_seconds_bucket',
  },
  grpc: {
    requestsMetric: 'grpc_server_handled_total',
    errorMatcher: { name: 'grpc_code', op: '!=', value: 'OK' },
    durationBucketsMetric: 'grpc_server_handling_seconds_bucket',
  },
} as const satisfies Record<string, ServiceAlertSignals>;

/** @public */
export type ServiceAlertProfile = keyof typeof SERVICE_ALERT_SIGNALS;

/** @public */
export const SERVICE_ALERT_PROFILES = Object.keys(
  SERVICE_ALERT_SIGNALS,
) as ServiceAlertProfile[];

/** @public */
export function isServiceAlertProfile(
  name: string,
): name is ServiceAlertProfile {
  return Object.prototype.hasOwnProperty.call(SERVICE_ALERT_SIGNALS, name);
}

/**
 * Default grouping of service alerts: one alert per spoke cluster. Each spoke writes exactly one
 * environment, so this is per environment too, and an outage in one of two production clusters
 * is not diluted by the healthy one. `service` is constant under the service's selector; keeping
 * it in the result lets annotation templates read `$labels.service` (Prometheus-style rulers
 * expand templates with the result's labels, not the rule's static ones).
 *
 * @public
 */
export const SERVICE_ALERT_GROUPING: readonly string[] = [
  LABELS.service,
  // Kept, so every alert says which namespace it is about: the backend shows an alert without
  // one only to the service's sole owner (claims.ts).
  LABELS.namespace,
  LABELS.cluster,
  LABELS.environment,
];

/**
 * Quantile of the latency alert.
 *
 * @public
 */
export const SERVICE_ALERT_LATENCY_QUANTILE = 0.95;

const GROUP_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * The matcher that restricts alerts to some environments: `environment="x"` for one,
 * `environment=~"x|y"` (each value regex-escaped) for several, none for an empty list (all).
 *
 * @public
 */
export function environmentMatcher(
  environments: readonly string[],
): LabelMatcher | undefined {
  const unique = [...new Set(environments)];
  if (unique.length === 0) return undefined;
  if (unique.length === 1)
    return { name: LABELS.environment, op: '=', value: unique[0] };
  return {
    name: LABELS.environment,
    op: '=~',
    value: unique.map(escapeRegex).join('|'),
  };
}

/** @public */
export interface ServiceAlertQueryOptions {
  profile: ServiceAlertProfile;
  /** The service's matchers (from `resolveServiceTarget`), plus any environment restriction. */
  matchers: readonly LabelMatcher[];
  /** The rate window, e.g. `5m`. */
  window: string;
  /** Labels the result is grouped by (default {@link SERVICE_ALERT_GROUPING}). */
  by?: readonly string[];
}

interface Checked {
  signals: ServiceAlertSignals;
  by: string;
  window: string;
  matchers: readonly LabelMatcher[];
}

function check(o: ServiceAlertQueryOptions): Checked {
  if (!isServiceAlertProfile(o.profile)) {
    throw new InvalidMatcherError(
      `profile "${String(o.profile).slice(0, 64)}" has no alert expressions; use one of ${SERVICE_ALERT_PROFILES.join(', ')}`,
    );
  }
  // One term of any unit (`5m`, `30s`, `500ms`).
  if (parseDurationMs(o.window) === undefined) {
    throw new InvalidMatcherError(
      `"${o.window.slice(0, 64)}" is not a rate window like 5m`,
    );
  }
  const by = o.by ?? SERVICE_ALERT_GROUPING;
  if (!by.length || by.some(l => !GROUP_LABEL.test(l) || l === 'le')) {
    throw new InvalidMatcherError(
      `grouping labels must be label names other than "le"`,
    );
  }
  return {
    signals: SERVICE_ALERT_SIGNALS[o.profile],
    by: by.join(', '),
    window: o.window,
    matchers: o.matchers,
  };
}

/**
 * How a query of the signals is written: its series selectors, grouping and window. The alerts
 * fill in real matchers and a window; the backend's panels keep `$selector` and `$window`
 * placeholders (filled per request). Both go through the same query shapes below, so a panel and
 * an alert of one signal cannot read different series.
 */
interface QueryStyle {
  series(metric: string, extra?: LabelMatcher): string;
  by: string;
  window: string;
}

function summedRate(style: QueryStyle, series: string, extraBy = ''): string {
  return `sum by (${style.by}${extraBy}) (rate(${series}[${style.window}]))`;
}

function requestRateOf(
  signals: ServiceAlertSignals,
  style: QueryStyle,
): string {
  return summedRate(style, style.series(signals.requestsMetric));
}

// `or <requests> * 0` keeps a 0 for a group that had requests but no failed-request series, so
// the value is there to read even when healthy.
function errorRatioOf(signals: ServiceAlertSignals, style: QueryStyle): string {
  const requests = requestRateOf(signals, style);
  const errors = summedRate(
    style,
    style.series(signals.requestsMetric, signals.errorMatcher),
  );
  return `(${errors} or ${requests} * 0) / ${requests}`;
}

function latencyQuantileOf(
  signals: ServiceAlertSignals,
  style: QueryStyle,
  quantile: number,
): string {
  if (!(quantile > 0 && quantile < 1)) {
    throw new InvalidMatcherError('the quantile must be between 0 and 1');
  }
  return `histogram_quantile(${quantile}, ${summedRate(style, style.series(signals.durationBucketsMetric), ', le')})`;
}

function alertStyle(c: Checked): QueryStyle {
  return {
    series: (metric, extra) =>
      buildSelector(extra ? [...c.matchers, extra] : c.matchers, metric),
    by: c.by,
    window: c.window,
  };
}

/**
 * Share of failed requests, grouped.
 *
 * @public
 */
export function serviceErrorRatioQuery(o: ServiceAlertQueryOptions): string {
  const c = check(o);
  return errorRatioOf(c.signals, alertStyle(c));
}

/**
 * A latency quantile in seconds from the duration histogram, grouped.
 *
 * @public
 */
export function serviceLatencyQuantileQuery(
  o: ServiceAlertQueryOptions,
  quantile: number = SERVICE_ALERT_LATENCY_QUANTILE,
): string {
  const c = check(o);
  return latencyQuantileOf(c.signals, alertStyle(c), quantile);
}

/**
 * Query templates of one profile's signals, for the backend's per-service panels.
 *
 * @public
 */
export interface ServicePanelTemplates {
  requestRate: string;
  errorRatio: string;
  latencyQuantile(quantile: number): string;
}

/**
 * The request rate, error ratio and latency quantiles of a profile as panel templates grouped
 * `by (environment)`, with `$selector` (the entity's escaped matchers) and `$window` left for the
 * backend to fill: the same series and shapes as the service alerts.
 *
 * @public
 */
export function servicePanelTemplates(
  profile: ServiceAlertProfile,
): ServicePanelTemplates {
  const signals = SERVICE_ALERT_SIGNALS[profile];
  const style: QueryStyle = {
    series: (metric, extra) =>
      `${metric}{$selector${extra ? `,${renderMatchers([extra])}` : ''}}`,
    by: LABELS.environment,
    window: '$window',
  };
  return {
    requestRate: requestRateOf(signals, style),
    errorRatio: errorRatioOf(signals, style),
    latencyQuantile: quantile => latencyQuantileOf(signals, style, quantile),
  };
}

/** @public */
export interface ServiceAlertExpressions {
  errorRatio: {
    /** The ratio itself, 0..1 per group. */
    value: string;
    /** `value > threshold`: the alerting rule's `expr`. */
    alert: string;
  };
  latencyP95: {
    /** The p95 latency in seconds per group. */
    value: string;
    alert: string;
  };
}

/**
 * Both alerts of a service, each as the plain value and with its threshold.
 *
 * @public
 */
export function serviceAlertExpressions(
  o: ServiceAlertQueryOptions & {
    /** Alert when more than this share of requests fails (0 < x < 1). */
    errorRatioThreshold: number;
    /** Alert when the p95 latency is above this many seconds. */
    latencyP95ThresholdSeconds: number;
  },
): ServiceAlertExpressions {
  if (!(o.errorRatioThreshold > 0 && o.errorRatioThreshold < 1)) {
    throw new InvalidMatcherError(
      'the error ratio threshold must be between 0 and 1',
    );
  }
  if (!(
    o.latencyP95ThresholdSeconds > 0 &&
    Number.isFinite(o.latencyP95ThresholdSeconds)
  )) {
    throw new InvalidMatcherError(
      'the latency threshold must be a positive number of seconds',
    );
  }
  const errorRatio = serviceErrorRatioQuery(o);
  const latencyP95 = serviceLatencyQuantileQuery(
    o,
    SERVICE_ALERT_LATENCY_QUANTILE,
  );
  return {
    errorRatio: {
      value: errorRatio,
      alert: `${errorRatio} > ${o.errorRatioThreshold}`,
    },
    latencyP95: {
      value: latencyP95,
      alert: `${latencyP95} > ${o.latencyP95ThresholdSeconds}`,
    },
  };
}
