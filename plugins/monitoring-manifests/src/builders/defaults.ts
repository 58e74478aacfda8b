import {
  HUB_ENVIRONMENT,
  HUB_RETENTION,
  HUB_SCRAPE_INTERVAL,
  HUB_SERVICE_ALERT_THRESHOLDS,
} from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * The numbers of the hub and the spokes. Where a figure comes from the target architecture
 * (docs/architecture.md: access matrix, retention, sizes, replicas), the comment names the table
 * or box; everything marked "not in docs/architecture.md" is this package's choice.
 */

/** "High Availability Design" -> "Component-Level HA" table (Replicas column). */
export const REPLICAS = {
  vminsert: 2,
  vmselect: 2,
  vmstorage: 2,
  vmauth: 2,
  vmalert: 2,
  grafana: 2,
  /** "vmagent (infra) | 1 | Single with persistent queue"; spokes run one vmagent too. */
  vmagent: 1,
  /** "System Architecture" diagram: "Kube State Metrics (1x)". */
  kubeStateMetrics: 1,
  /** Not in docs/architecture.md: Alertmanager in a two-peer cluster, like the other alerting parts. */
  vmalertmanager: 2,
} as const;

/** "Scalability Strategy" -> "Scalability Limits" table (Max Recommended column). */
export const MAX_REPLICAS = {
  vminsert: 10,
  vmselect: 10,
  vmstorage: 20,
  /** Not in docs/architecture.md. */
  vmauth: 10,
  vmalert: 10,
  grafana: 10,
} as const;

/** "Network Architecture" -> "Port Mapping" table. */
export const PORTS = {
  vminsert: 8480,
  vmselect: 8481,
  vmstorage: 8482,
  vmauth: 8427,
  vmalert: 8880,
  grafana: 3000,
  vmagent: 8429,
  nodeExporter: 9100,
  kubeStateMetrics: 8080,
  /** Not in docs/architecture.md: Alertmanager's and the KSM self-metrics' usual ports. */
  alertmanager: 9093,
  kubeStateMetricsTelemetry: 8081,
} as const;

export interface ResourceFigures {
  cpu: string;
  memory: string;
}

/**
 * "Performance Characteristics" -> "Resource Requirements (Actual)" table (CPU, Memory), used
 * as requests. Limits are not in docs/architecture.md; see {@link resourcesFor}.
 */
export const RESOURCES: Record<
  | 'vminsert'
  | 'vmselect'
  | 'vmstorage'
  | 'vmauth'
  | 'grafana'
  | 'vmagent'
  | 'vmalert'
  | 'vmalertmanager'
  | 'nodeExporter'
  | 'kubeStateMetrics',
  ResourceFigures
> = {
  vminsert: { cpu: '500m', memory: '1Gi' },
  vmselect: { cpu: '500m', memory: '2Gi' },
  vmstorage: { cpu: '1', memory: '4Gi' },
  vmauth: { cpu: '100m', memory: '128Mi' },
  grafana: { cpu: '500m', memory: '1Gi' },
  vmagent: { cpu: '250m', memory: '512Mi' },
  // Not in docs/architecture.md:
  vmalert: { cpu: '100m', memory: '256Mi' },
  vmalertmanager: { cpu: '100m', memory: '256Mi' },
  nodeExporter: { cpu: '100m', memory: '128Mi' },
  kubeStateMetrics: { cpu: '100m', memory: '256Mi' },
};

/**
 * Requests are the architecture's figures (docs/architecture.md, sizes). Limits (not there):
 * memory limit = request, because memory cannot be reclaimed and a pod over its request is the
 * first OOM victim (VictoriaMetrics also sizes its caches from the memory limit); CPU limit = 2x
 * request, CPU bursts are harmless.
 */
export function resourcesFor(figures: ResourceFigures) {
  return {
    requests: { cpu: figures.cpu, memory: figures.memory },
    limits: { cpu: doubleCpu(figures.cpu), memory: figures.memory },
  };
}

function doubleCpu(cpu: string): string {
  const millis = cpu.endsWith('m')
    ? Number(cpu.slice(0, -1))
    : Number(cpu) * 1000;
  const doubled = millis * 2;
  return doubled % 1000 === 0 ? String(doubled / 1000) : `${doubled}m`;
}

/** "Resource Requirements (Actual)" table, Storage column, and the diagram boxes. */
export const STORAGE = {
  /** "VMStorage (2x) ... 100Gi gp3 per replica"; table: VMStorage 100Gi. */
  vmstorage: '100Gi',
  /** Table: "VMSelect ... 50Gi cache". */
  vmselectCache: '50Gi',
  /** "EFS Storage (Shared 10Gi)"; table: Grafana 10Gi. A ReadWriteMany volume. */
  grafanaShared: '10Gi',
  /** "Persistent Queue (10Gi PVC)"; table: vmagent 10Gi per cluster. */
  vmagentQueue: '10Gi',
} as const;

/**
 * "VMStorage (2x) ... 15 days retention"; "Retention Scaling": `retentionPeriod: 15d`. The hub
 * contract's `HUB_RETENTION` (monitoring-common), shared with the backend and the local stack.
 *
 * @public
 */
export const RETENTION = HUB_RETENTION;

/** "Storage-Level HA": "VMStorage Replication, 2 replicas with same data". */
export const REPLICATION_FACTOR = 2;

/**
 * "VMStorage ... Deduplication enabled" / "Auto-deduplication" and "VMAlert | 2 | Active-Active
 * (deduplicated)": `-dedup.minScrapeInterval` on vmselect and vmstorage, set to the scrape
 * interval so both vmalert replicas' recording-rule samples collapse into one.
 */
export const DEDUP_MIN_SCRAPE_INTERVAL = HUB_SCRAPE_INTERVAL;

/** "Data Flow" -> "Metrics Collection Flow": "vmagent (Scrapes metrics every 30s)". */
export const SCRAPE_INTERVAL = HUB_SCRAPE_INTERVAL;

/** "Data Flow" -> "Alert Flow": "VMAlert (Evaluate rules every 30s)". */
export const EVALUATION_INTERVAL = HUB_SCRAPE_INTERVAL;

// The VictoriaMetrics tenant and its paths: the hub contract's (HUB_TENANT, HUB_SELECT_PATH and
// HUB_INSERT_PATH in monitoring-common), re-exported by cluster.ts.

/**
 * Not in docs/architecture.md ("Edge Intelligence: Filter unnecessary metrics at the source"): high-volume
 * series no view or rule of the suite reads, dropped by every vmagent before remote write.
 */
export const DROPPED_METRICS = [
  'apiserver_request_duration_seconds_bucket',
  'apiserver_request_sli_duration_seconds_bucket',
  'apiserver_response_sizes_bucket',
  'apiserver_watch_events_sizes_bucket',
  'etcd_.*',
  'rest_client_.*',
  'storage_operation_duration_seconds_bucket',
  'kubelet_runtime_operations_duration_seconds_bucket',
  'workqueue_.*',
];

/** Not in docs/architecture.md: the cAdvisor series the saturation panels and dashboards use. */
export const CADVISOR_KEPT_METRICS = [
  'container_cpu_usage_seconds_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_periods_total',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'container_fs_reads_bytes_total',
  'container_fs_writes_bytes_total',
];

/** Not in docs/architecture.md: images of the core workloads the builders render. */
export const IMAGES = {
  grafana: 'docker.io/grafana/grafana:11.6.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.9.1',
  kubeStateMetrics:
    'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
} as const;

/** Not in docs/architecture.md: the uid/gid the core workloads run as (the images' own non-root users). */
export const RUN_AS = {
  grafana: 472,
  nodeExporter: 65534,
  kubeStateMetrics: 65534,
  victoriaMetrics: 65534,
} as const;

// Not in docs/architecture.md: the environment label of the hub's own vmagent (the hub
// contract's, in monitoring-common; re-exported for the builders and this package's API).
export { HUB_ENVIRONMENT };

/**
 * Not in docs/architecture.md: the default namespace of the hub and the spokes.
 *
 * @public
 */
export const NAMESPACE = 'monitoring';

/** Not in docs/architecture.md: the secret store `ExternalSecret`s read from. */
export const SECRET_STORE = {
  name: 'monitoring',
  kind: 'ClusterSecretStore',
} as const;
export const REMOTE_KEY_PREFIX = 'monitoring';

/**
 * Not in docs/architecture.md: alert thresholds and durations of the default rules (see rules.ts).
 * The service thresholds are the hub contract's (monitoring-common): the error-ratio alert at the
 * fleet's critical error ratio, the latency alert at the fleet's warning p95.
 */
export const ALERTS = {
  errorRatio: HUB_SERVICE_ALERT_THRESHOLDS.errorRatio,
  errorRatioFor: '5m',
  latencyP95Seconds: HUB_SERVICE_ALERT_THRESHOLDS.latencyP95Seconds,
  latencyFor: '10m',
  remoteWriteLagSeconds: 300,
  queueBytes: 64 * 1024 * 1024,
  queueFor: '15m',
  diskUsedRatio: 0.8,
} as const;
