/**
 * The fleet's signals, defined once: the recording rules the hub deploys (and the local stack's
 * vmalert loads) and the grouped queries the fleet view runs over them, or over the raw series
 * when the rules are absent. Built from the http profile's alert signals, so the fleet, the
 * per-service alerts and the panels read the same series.
 *
 * Names follow `level:metric:operations`: the level `service_cluster` is the grouping
 * `service, namespace, cluster, environment` (namespace scopes the service; each cluster writes
 * one environment).
 */
import { LABELS } from './labelContract';
import { buildSelector, LabelMatcher } from './promql';
import { SERVICE_ALERT_SIGNALS } from './serviceAlerts';

const http = SERVICE_ALERT_SIGNALS.http;

/**
 * The rate window of the recording rules.
 *
 * @public
 */
export const FLEET_RATE_WINDOW = '2m';

/**
 * The labels the recording rules keep.
 *
 * @public
 */
export const FLEET_RECORDING_GROUPING = [
  LABELS.service,
  LABELS.namespace,
  LABELS.cluster,
  LABELS.environment,
] as const;

/**
 * The labels a fleet row and cell are keyed by.
 *
 * @public
 */
export const FLEET_GROUPING = [
  LABELS.service,
  LABELS.namespace,
  LABELS.environment,
] as const;

/** @public */
export const FLEET_RECORDED = {
  requests: `service_cluster:${http.requestsMetric.replace(/_total$/, '')}:rate${FLEET_RATE_WINDOW}`,
  errors: `service_cluster:${http.requestsMetric.replace(/_total$/, '')}_errors:rate${FLEET_RATE_WINDOW}`,
  durationBuckets: `service_cluster_le:${http.durationBucketsMetric}:rate${FLEET_RATE_WINDOW}`,
} as const;

const by = (labels: readonly string[]) => labels.join(', ');
const rate = (selector: string) => `rate(${selector}[${FLEET_RATE_WINDOW}])`;

/**
 * The recording rules, in vmalert's file format.
 *
 * @public
 */
export function fleetRecordingRules(): Array<{ record: string; expr: string }> {
  const g = by(FLEET_RECORDING_GROUPING);
  return [
    {
      record: FLEET_RECORDED.requests,
      expr: `sum by (${g}) (${rate(buildSelector([], http.requestsMetric))})`,
    },
    {
      record: FLEET_RECORDED.errors,
      expr: `sum by (${g}) (${rate(buildSelector([http.errorMatcher], http.requestsMetric))})`,
    },
    {
      record: FLEET_RECORDED.durationBuckets,
      expr: `sum by (${g}, le) (${rate(buildSelector([], http.durationBucketsMetric))})`,
    },
  ];
}

/** @public */
export type FleetSource = 'recording-rules' | 'raw';

/** @public */
export interface FleetQueries {
  requests: string;
  errors: string;
  latencyP95: string;
  /** The hourly request rate (an hour's average, not an hourly sample), for the sparklines. */
  hourlyRequests: string;
}

/**
 * The grouped queries of the fleet: the same number whatever the number of services. `scope`
 * restricts them (e.g. to one service: the per-entity fan-out the benchmark compares with).
 *
 * @public
 */
export function fleetQueries(
  source: FleetSource,
  scope: readonly LabelMatcher[] = [],
): FleetQueries {
  const g = by(FLEET_GROUPING);
  const sel = (metric: string, extra: readonly LabelMatcher[] = []) =>
    buildSelector([...extra, ...scope], metric);
  const series =
    source === 'recording-rules'
      ? {
          requests: sel(FLEET_RECORDED.requests),
          errors: sel(FLEET_RECORDED.errors),
          buckets: sel(FLEET_RECORDED.durationBuckets),
        }
      : {
          requests: rate(sel(http.requestsMetric)),
          errors: rate(sel(http.requestsMetric, [http.errorMatcher])),
          buckets: rate(sel(http.durationBucketsMetric)),
        };
  const hourly =
    source === 'recording-rules'
      ? `avg_over_time(${sel(FLEET_RECORDED.requests)}[1h])`
      : `rate(${sel(http.requestsMetric)}[1h])`;
  return {
    hourlyRequests: `sum by (${g}) (${hourly})`,
    requests: `sum by (${g}) (${series.requests})`,
    errors: `sum by (${g}) (${series.errors})`,
    latencyP95: `histogram_quantile(0.95, sum by (${g}, le) (${series.buckets}))`,
  };
}
