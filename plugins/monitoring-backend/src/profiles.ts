import { PanelUnit } from '@internal/plugin-monitoring-common';

/** One panel of a profile: a query template grouped `by (environment)`. */
export interface PanelTemplate {
  id: string;
  title: string;
  unit: PanelUnit;
  query: string;
}

export type Profiles = Record<string, PanelTemplate[]>;

const PLACEHOLDERS = ['selector', 'podSelector', 'cadvisorSelector', 'window'] as const;
export type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

const requests = 'http_requests_total{$selector}';
const errors = 'http_requests_total{$selector,code=~"5.."}';
const rate = (series: string) => `sum by (environment) (rate(${series}[$window]))`;
const httpQuantile = (q: number) =>
  `histogram_quantile(${q}, sum by (environment, le) (rate(http_request_duration_seconds_bucket{$selector}[$window])))`;

// cAdvisor series carry no pod labels: join them to the service through kube_pod_labels.
// $cadvisorSelector narrows the left side to real containers in the entity's namespace, so the
// join does not scan every container of every cluster.
// last_over_time over the rate window keeps the join as long as the rate itself has samples
// (around a scrape gap or a pod's end a plain lookup would drop points the rate still has).
const podJoin =
  '* on (cluster, namespace, pod) group_left() max by (cluster, namespace, pod) (last_over_time(kube_pod_labels{$podSelector}[$window]))';
const saturation: PanelTemplate[] = [
  {
    id: 'cpu',
    title: 'CPU',
    unit: 'cores',
    query: `sum by (environment) (rate(container_cpu_usage_seconds_total{$cadvisorSelector}[$window]) ${podJoin})`,
  },
  {
    id: 'memory',
    title: 'Memory (working set)',
    unit: 'bytes',
    query: `sum by (environment) (container_memory_working_set_bytes{$cadvisorSelector} ${podJoin})`,
  },
];

/** Built-in profiles; config may add more or override these by name. */
export const BUILT_IN_PROFILES: Profiles = {
  http: [
    { id: 'requestRate', title: 'Request rate', unit: 'reqps', query: rate(requests) },
    {
      id: 'errorRatio',
      title: 'Error ratio (5xx)',
      unit: 'ratio',
      // `or ... * 0` keeps a 0 for environments that had requests but no 5xx series.
      query: `(${rate(errors)} or ${rate(requests)} * 0) / ${rate(requests)}`,
    },
    { id: 'latencyP50', title: 'Latency p50', unit: 'seconds', query: httpQuantile(0.5) },
    { id: 'latencyP95', title: 'Latency p95', unit: 'seconds', query: httpQuantile(0.95) },
    { id: 'latencyP99', title: 'Latency p99', unit: 'seconds', query: httpQuantile(0.99) },
    ...saturation,
  ],
  grpc: [
    {
      id: 'requestRate',
      title: 'Request rate',
      unit: 'reqps',
      query: rate('grpc_server_handled_total{$selector}'),
    },
    {
      id: 'errorRatio',
      title: 'Error ratio (non-OK)',
      unit: 'ratio',
      query: `(${rate('grpc_server_handled_total{$selector,grpc_code!="OK"}')} or ${rate(
        'grpc_server_handled_total{$selector}',
      )} * 0) / ${rate('grpc_server_handled_total{$selector}')}`,
    },
    {
      id: 'latencyP95',
      title: 'Latency p95',
      unit: 'seconds',
      query:
        'histogram_quantile(0.95, sum by (environment, le) (rate(grpc_server_handling_seconds_bucket{$selector}[$window])))',
    },
    ...saturation,
  ],
};

/** Returns the placeholders a template uses that are not known, e.g. `$service`. */
export function unknownPlaceholders(query: string): string[] {
  const used = [...query.matchAll(/\$([a-zA-Z_]\w*)/g)].map(m => m[1]);
  return used.filter(p => !(PLACEHOLDERS as readonly string[]).includes(p));
}

/**
 * Fills a template. Values are selectors built by `renderMatchers` (escaped) and a window
 * computed by the backend: no entity text reaches the query any other way.
 */
export function renderQuery(template: string, values: PlaceholderValues): string {
  return template.replace(
    /\$(podSelector|cadvisorSelector|selector|window)\b/g,
    (_, name: keyof PlaceholderValues) => values[name],
  );
}
