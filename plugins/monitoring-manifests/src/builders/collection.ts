/**
 * Metrics collection in one cluster: the vmagent ("vmagent Collection Pattern") and what it
 * scrapes: node exporter, kube-state-metrics, cAdvisor, the API server and annotated pods, with
 * the label contract's relabeling and a drop list. Used by the spokes and by the hub itself.
 */
import {
  kubeStateMetricsRelabeling,
  podTargetRelabeling,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  claimTemplate,
  object,
  OPERATOR_API_VERSION,
  operatorSecurity,
} from './common';
import * as D from './defaults';
import { KUBE_STATE_METRICS } from './exporters';
import {
  dropMetrics,
  keepMetrics,
  OperatorRelabelRule,
  toOperatorRelabel,
} from './relabel';
import { K8sObject } from './types';

const SA_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';
const SA_CA = '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt';

export interface CollectionContext {
  /** Name of the VMAgent; the scrape objects are prefixed with it. */
  name: string;
  namespace: string;
  labels: Record<string, string>;
}

/**
 * Target relabeling of annotated pods: keep pods annotated `prometheus.io/scrape: "true"`, on
 * the container port named by `prometheus.io/port`, at `prometheus.io/path` and
 * `prometheus.io/scheme`; then the label contract (namespace, pod, container, service).
 */
export function annotatedPodRelabeling(): OperatorRelabelRule[] {
  const annotation = (a: string) =>
    `__meta_kubernetes_pod_annotation_prometheus_io_${a}`;
  return [
    { action: 'keep', sourceLabels: [annotation('scrape')], regex: 'true' },
    // VictoriaMetrics' keep_if_equal: one target per pod, the annotated port.
    {
      action: 'keep_if_equal',
      sourceLabels: [
        annotation('port'),
        '__meta_kubernetes_pod_container_port_number',
      ],
    },
    {
      action: 'replace',
      sourceLabels: [annotation('path')],
      regex: '(.+)',
      targetLabel: '__metrics_path__',
    },
    {
      action: 'replace',
      sourceLabels: [annotation('scheme')],
      regex: '(https?)',
      targetLabel: '__scheme__',
    },
    ...toOperatorRelabel(podTargetRelabeling()),
  ];
}

export function scrapes(ctx: CollectionContext): K8sObject[] {
  const meta = (suffix: string) => ({
    name: `${ctx.name}-${suffix}`,
    namespace: ctx.namespace,
    labels: ctx.labels,
  });
  return [
    object(OPERATOR_API_VERSION, 'VMNodeScrape', meta('node-exporter'), {
      spec: {
        port: String(D.PORTS.nodeExporter),
        path: '/metrics',
        scheme: 'http',
        selector: {},
      },
    }),
    object(OPERATOR_API_VERSION, 'VMNodeScrape', meta('cadvisor'), {
      spec: {
        port: '10250',
        scheme: 'https',
        path: '/metrics/cadvisor',
        bearerTokenFile: SA_TOKEN,
        // Kubelet serving certificates are usually self-signed.
        tlsConfig: { caFile: SA_CA, insecureSkipVerify: true },
        honorTimestamps: false,
        selector: {},
        metricRelabelConfigs: [keepMetrics(D.CADVISOR_KEPT_METRICS)],
      },
    }),
    object(OPERATOR_API_VERSION, 'VMServiceScrape', meta('apiserver'), {
      spec: {
        namespaceSelector: { matchNames: ['default'] },
        selector: {
          matchLabels: { component: 'apiserver', provider: 'kubernetes' },
        },
        endpoints: [
          {
            port: 'https',
            scheme: 'https',
            bearerTokenFile: SA_TOKEN,
            tlsConfig: { caFile: SA_CA, serverName: 'kubernetes' },
            metricRelabelConfigs: [dropMetrics(D.DROPPED_METRICS)],
          },
        ],
      },
    }),
    object(OPERATOR_API_VERSION, 'VMServiceScrape', meta(KUBE_STATE_METRICS), {
      spec: {
        namespaceSelector: { matchNames: [ctx.namespace] },
        selector: {
          matchLabels: { 'app.kubernetes.io/name': KUBE_STATE_METRICS },
        },
        endpoints: [
          {
            port: 'http-metrics',
            // kube-state-metrics' own namespace/pod labels describe the pods, not itself.
            honorLabels: true,
            // The target's `service` (kube-state-metrics) must not look like a service id.
            relabelConfigs: [{ action: 'labeldrop', regex: 'service' }],
            metricRelabelConfigs: toOperatorRelabel(
              kubeStateMetricsRelabeling(),
            ),
          },
        ],
      },
    }),
    object(OPERATOR_API_VERSION, 'VMPodScrape', meta('annotated-pods'), {
      spec: {
        namespaceSelector: { any: true },
        selector: {},
        podMetricsEndpoints: [{ relabelConfigs: annotatedPodRelabeling() }],
      },
    }),
  ];
}

const BYTES: Record<string, number> = { Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** 90% of a `^\d+(Mi|Gi|Ti)$` size, in bytes: the queue's cap, leaving room on the volume. */
export function queueCapBytes(size: string): number {
  return Math.floor(Number.parseInt(size, 10) * BYTES[size.slice(-2)] * 0.9);
}

export interface VMAgentOptions extends CollectionContext {
  /** The labels every series written gets (`cluster`, `environment`). */
  remoteWriteLabels: Record<string, string>;
  remoteWriteUrl: string;
  /** Secret with `username` and `password` keys for basic auth, if any. */
  basicAuthSecret?: string;
  scrapeInterval: string;
  storageClass: string;
  queueSize: string;
  /** Remote-write relabeling after the drop list (the hub's: its components' `component` label). */
  remoteWriteRelabeling?: OperatorRelabelRule[];
}

/**
 * The vmagent: stateful with a persistent queue on a PVC ("Persistent Queue (10Gi PVC)"), one
 * replica. The `cluster`/`environment` labels are set with `remoteWriteSettings.label`
 * (`-remoteWrite.label`), which labels everything sent, pushed data and vmagent's own metrics
 * included; `spec.externalLabels` would only label scraped series.
 */
export function vmAgent(opts: VMAgentOptions): K8sObject {
  return object(
    OPERATOR_API_VERSION,
    'VMAgent',
    { name: opts.name, namespace: opts.namespace, labels: opts.labels },
    {
      spec: {
        replicaCount: D.REPLICAS.vmagent,
        port: String(D.PORTS.vmagent),
        scrapeInterval: opts.scrapeInterval,
        selectAllByDefault: true,
        statefulMode: true,
        statefulStorage: {
          volumeClaimTemplate: claimTemplate(opts.storageClass, opts.queueSize),
        },
        remoteWrite: [
          {
            url: opts.remoteWriteUrl,
            ...(opts.basicAuthSecret
              ? {
                  basicAuth: {
                    username: { name: opts.basicAuthSecret, key: 'username' },
                    password: { name: opts.basicAuthSecret, key: 'password' },
                  },
                }
              : {}),
          },
        ],
        remoteWriteSettings: { label: { ...opts.remoteWriteLabels } },
        inlineRelabelConfig: [
          dropMetrics(D.DROPPED_METRICS),
          ...(opts.remoteWriteRelabeling ?? []),
        ],
        extraArgs: {
          'remoteWrite.maxDiskUsagePerURL': String(
            queueCapBytes(opts.queueSize),
          ),
        },
        resources: D.resourcesFor(D.RESOURCES.vmagent),
        ...operatorSecurity(D.RUN_AS.victoriaMetrics),
      },
    },
  );
}
