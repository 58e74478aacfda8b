import {
  PanelUnit,
  servicePanelTemplates,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** One panel of a profile: a query template grouped `by (environment)`. */
export interface PanelTemplate {
  id: string;
  title: string;
  unit: PanelUnit;
  query: string;
}

export type Profiles = Record<string, PanelTemplate[]>;

const PLACEHOLDERS = [
  'selector',
  'podSelector',
  'cadvisorSelector',
  'window',
] as const;
export type PlaceholderValues = Record<(typeof PLACEHOLDERS)[number], string>;

// Request, error and latency panels come from the signals the service alerts and the hub's
// recording rules are built from (monitoring-common), so the three cannot drift apart.
const http = servicePanelTemplates('http');
const grpc = servicePanelTemplates('grpc');

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
    {
      id: 'requestRate',
      title: 'Request rate',
      unit: 'reqps',
      query: http.requestRate,
    },
    {
      id: 'errorRatio',
      title: 'Error ratio (5xx)',
      unit: 'ratio',
      query: http.errorRatio,
    },
    {
      id: 'latencyP50',
      title: 'Latency p50',
      unit: 'seconds',
      query: http.latencyQuantile(0.5),
    },
    {
      id: 'latencyP95',
      title: 'Latency p95',
      unit: 'seconds',
      query: http.latencyQuantile(0.95),
    },
    {
      id: 'latencyP99',
      title: 'Latency p99',
      unit: 'seconds',
      query: http.latencyQuantile(0.99),
    },
    ...saturation,
  ],
  grpc: [
    {
      id: 'requestRate',
      title: 'Request rate',
      unit: 'reqps',
      query: grpc.requestRate,
    },
    {
      id: 'errorRatio',
      title: 'Error ratio (non-OK)',
      unit: 'ratio',
      query: grpc.errorRatio,
    },
    {
      id: 'latencyP95',
      title: 'Latency p95',
      unit: 'seconds',
      query: grpc.latencyQuantile(0.95),
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
export function renderQuery(
  template: string,
  values: PlaceholderValues,
): string {
  return template.replace(
    /\$(podSelector|cadvisorSelector|selector|window)\b/g,
    (_, name: keyof PlaceholderValues) => values[name],
  );
}
