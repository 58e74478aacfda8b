/**
 * The numbers of the hub and the spokes. Where a figure comes from the seed
 * (`seed/architecture-guide.md`, the user's architecture), the comment names the table or box;
 * everything marked "not in the seed" is this module's choice.
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
  /** Not in the seed: Alertmanager in a two-peer cluster, like the other alerting parts. */
  vmalertmanager: 2,
} as const;

/** "Scalability Strategy" -> "Scalability Limits" table (Max Recommended column). */
export const MAX_REPLICAS = {
  vminsert: 10,
  vmselect: 10,
  vmstorage: 20,
  /** Not in the seed. */
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
  /** Not in the seed: Alertmanager's and the KSM self-metrics' usual ports. */
  alertmanager: 9093,
  kubeStateMetricsTelemetry: 8081,
} as const;

export interface ResourceFigures {
  cpu: string;
  memory: string;
}

/**
 * "Performance Characteristics" -> "Resource Requirements (Actual)" table (CPU, Memory), used
 * as requests. Limits are not in the seed; see {@link resourcesFor}.
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
  // Not in the seed:
  vmalert: { cpu: '100m', memory: '256Mi' },
  vmalertmanager: { cpu: '100m', memory: '256Mi' },
  nodeExporter: { cpu: '100m', memory: '128Mi' },
  kubeStateMetrics: { cpu: '100m', memory: '256Mi' },
};

/**
 * Requests are the seed's figures. Limits (not in the seed): memory limit = request, because
 * memory cannot be reclaimed and a pod over its request is the first OOM victim (VictoriaMetrics
 * also sizes its caches from the memory limit); CPU limit = 2x request, CPU bursts are harmless.
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
 * "VMStorage (2x) ... 15 days retention"; "Retention Scaling": `retentionPeriod: 15d`.
 *
 * @public
 */
export const RETENTION = '15d';

/** "Storage-Level HA": "VMStorage Replication, 2 replicas with same data". */
export const REPLICATION_FACTOR = 2;

/**
 * "VMStorage ... Deduplication enabled" / "Auto-deduplication" and "VMAlert | 2 | Active-Active
 * (deduplicated)": `-dedup.minScrapeInterval` on vmselect and vmstorage, set to the scrape
 * interval so both vmalert replicas' recording-rule samples collapse into one.
 */
export const DEDUP_MIN_SCRAPE_INTERVAL = '30s';

/** "Data Flow" -> "Metrics Collection Flow": "vmagent (Scrapes metrics every 30s)". */
export const SCRAPE_INTERVAL = '30s';

/** "Data Flow" -> "Alert Flow": "VMAlert (Evaluate rules every 30s)". */
export const EVALUATION_INTERVAL = '30s';

/** The VictoriaMetrics tenant the suite reads and writes (`/select/0/...`, `/insert/0/...`). */
export const TENANT = '0';

/**
 * Not in the seed ("Edge Intelligence: Filter unnecessary metrics at the source"): high-volume
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

/** Not in the seed: the cAdvisor series the saturation panels and dashboards use. */
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

/** Not in the seed: images of the core workloads the builders render. */
export const IMAGES = {
  grafana: 'docker.io/grafana/grafana:11.6.0',
  nodeExporter: 'quay.io/prometheus/node-exporter:v1.9.1',
  kubeStateMetrics:
    'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
} as const;

/** Not in the seed: the uid/gid the core workloads run as (the images' own non-root users). */
export const RUN_AS = {
  grafana: 472,
  nodeExporter: 65534,
  kubeStateMetrics: 65534,
  victoriaMetrics: 65534,
} as const;

/**
 * Not in the seed: the environment label of the hub's own vmagent.
 *
 * @public
 */
export const HUB_ENVIRONMENT = 'infra';

/** Not in the seed: the default namespace of the hub and the spokes. */
export const NAMESPACE = 'monitoring';

/** Not in the seed: the secret store `ExternalSecret`s read from. */
export const SECRET_STORE = {
  name: 'monitoring',
  kind: 'ClusterSecretStore',
} as const;
export const REMOTE_KEY_PREFIX = 'monitoring';

/** Not in the seed: alert thresholds and durations of the default rules (see rules.ts). */
export const ALERTS = {
  errorRatio: 0.05,
  errorRatioFor: '5m',
  latencyP95Seconds: 0.5,
  latencyFor: '10m',
  remoteWriteLagSeconds: 300,
  queueBytes: 64 * 1024 * 1024,
  queueFor: '15m',
  diskUsedRatio: 0.8,
} as const;
