/**
 * The label contract: the labels the spoke's vmagent writes and the backend queries.
 *
 * The spoke builder renders its relabeling from these constants and the backend builds its
 * selectors from them, so the two sides cannot drift apart.
 */

/**
 * Label names on every series that reaches the hub.
 *
 * @public
 */
export const LABELS = {
  /** Spoke cluster name, added by vmagent `remoteWrite.label` on every spoke. */
  cluster: 'cluster',
  /** Environment (dev, staging, production, ...), added the same way. */
  environment: 'environment',
  namespace: 'namespace',
  pod: 'pod',
  container: 'container',
  /** The entity's kubernetes id, from the pod label below. */
  service: 'service',
} as const;

/**
 * Pod labels the `service` label is taken from, first match wins.
 * `backstage.io/kubernetes-id` is what Backstage's Kubernetes plugin already uses.
 *
 * @public
 */
export const SERVICE_POD_LABELS = [
  'backstage.io/kubernetes-id',
  'app.kubernetes.io/name',
] as const;

/**
 * The label Prometheus-style service discovery and kube-state-metrics derive from a Kubernetes
 * label name: every character outside `[a-zA-Z0-9_]` becomes `_`.
 *
 * @public
 */
export function sanitizeKubernetesLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * `__meta_kubernetes_pod_label_<name>` as kubernetes_sd_configs exposes a pod label.
 *
 * @public
 */
export function podLabelMetaName(podLabel: string): string {
  return `__meta_kubernetes_pod_label_${sanitizeKubernetesLabelName(podLabel)}`;
}

/**
 * `label_<name>` as kube-state-metrics exposes an allow-listed pod label on `kube_pod_labels`.
 *
 * @public
 */
export function kubePodLabelName(podLabel: string): string {
  return `label_${sanitizeKubernetesLabelName(podLabel)}`;
}

/**
 * A Prometheus relabel rule in the shape vmagent and the VM operator accept.
 *
 * @public
 */
export interface RelabelRule {
  action?: 'replace' | 'keep' | 'drop' | 'labeldrop' | 'labelmap' | 'labelkeep';
  source_labels?: string[];
  separator?: string;
  regex?: string;
  target_label?: string;
  replacement?: string;
}

/**
 * Sets `service` from the first non-empty of the given source labels.
 *
 * Joining the sources with `;` and matching `^;*([^;]+)` picks the first non-empty value, so a
 * pod with both labels gets `backstage.io/kubernetes-id`.
 */
function serviceFrom(sourceLabels: string[]): RelabelRule[] {
  return [
    {
      action: 'replace',
      source_labels: sourceLabels,
      separator: ';',
      regex: ';*([^;]+).*',
      target_label: LABELS.service,
      replacement: '$1',
    },
  ];
}

/**
 * Target relabeling for pod scrapes: namespace, pod, container and service.
 *
 * @public
 */
export function podTargetRelabeling(): RelabelRule[] {
  return [
    {
      action: 'replace',
      source_labels: ['__meta_kubernetes_namespace'],
      target_label: LABELS.namespace,
    },
    {
      action: 'replace',
      source_labels: ['__meta_kubernetes_pod_name'],
      target_label: LABELS.pod,
    },
    {
      action: 'replace',
      source_labels: ['__meta_kubernetes_pod_container_name'],
      target_label: LABELS.container,
    },
    ...serviceFrom(SERVICE_POD_LABELS.map(podLabelMetaName)),
  ];
}

/**
 * Metric relabeling for kube-state-metrics: gives `kube_pod_labels` the `service` label so
 * cAdvisor series (which carry no pod labels) can be joined to a service on
 * `cluster, namespace, pod`.
 *
 * @public
 */
export function kubeStateMetricsRelabeling(): RelabelRule[] {
  return serviceFrom(SERVICE_POD_LABELS.map(kubePodLabelName));
}

/**
 * The labels every spoke adds to everything it writes.
 *
 * @public
 */
export function spokeExternalLabels(opts: {
  cluster: string;
  environment: string;
}): Record<string, string> {
  return {
    [LABELS.cluster]: opts.cluster,
    [LABELS.environment]: opts.environment,
  };
}
