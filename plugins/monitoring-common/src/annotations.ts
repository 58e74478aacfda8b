/**
 * Annotations the monitoring plugins read from catalog entities.
 *
 * The `backstage.io/kubernetes-*` ones are the annotations Backstage users already set for the
 * Kubernetes plugin; ours live under `monitoring/`.
 */

/**
 * The service's kubernetes id: the `service` label value (see the label contract).
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_ID = 'backstage.io/kubernetes-id';
/**
 * A Kubernetes label selector such as `app.kubernetes.io/name=checkout`.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_LABEL_SELECTOR =
  'backstage.io/kubernetes-label-selector';
/**
 * Restricts queries to one Kubernetes namespace.
 *
 * @public
 */
export const ANNOTATION_KUBERNETES_NAMESPACE =
  'backstage.io/kubernetes-namespace';

/**
 * Overrides the `service` label value.
 *
 * @public
 */
export const ANNOTATION_SERVICE_NAME = 'monitoring/service-name';
/**
 * Extra equality matchers, `k=v,k2!=v2`, added to every query.
 *
 * @public
 */
export const ANNOTATION_SELECTOR = 'monitoring/selector';
/**
 * Extra matchers for the entity's alerts, same grammar as `monitoring/selector`.
 *
 * @public
 */
export const ANNOTATION_ALERT_SELECTOR = 'monitoring/alert-selector';
/**
 * A Grafana (or other) dashboard for the service.
 *
 * @public
 */
export const ANNOTATION_DASHBOARD_URL = 'monitoring/dashboard-url';
/**
 * Which query profile to use: `http` (default), `grpc`, or one defined in config.
 *
 * @public
 */
export const ANNOTATION_METRICS_PROFILE = 'monitoring/metrics-profile';

/**
 * On a `Resource` of type `kubernetes-cluster`: the `cluster` label its vmagent writes, when it
 * is not the entity's name.
 *
 * @public
 */
export const ANNOTATION_CLUSTER_NAME = 'monitoring/cluster-name';
/**
 * The `spec.type` of the Resources the templates register for clusters.
 *
 * @public
 */
export const KUBERNETES_CLUSTER_TYPE = 'kubernetes-cluster';

/**
 * Annotations any one of which makes an entity monitorable.
 *
 * @public
 */
export const MONITORING_ANNOTATIONS = [
  ANNOTATION_SERVICE_NAME,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
] as const;

/**
 * Roadie's Prometheus plugin annotations, read for migration: alert names (comma-separated) or
 * `all`, and `k=v,k2=v2` label matchers that the alerts must carry.
 *
 * @public
 */
export const ANNOTATION_PROMETHEUS_ALERT = 'prometheus.io/alert';
/** @public */
export const ANNOTATION_PROMETHEUS_LABELS = 'prometheus.io/labels';
