import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_METRICS_PROFILE,
  ANNOTATION_SELECTOR,
  ANNOTATION_SERVICE_NAME,
  MONITORING_ANNOTATIONS,
} from './annotations';
import { LABELS, SERVICE_POD_LABELS } from './labelContract';
import {
  InvalidMatcherError,
  LabelMatcher,
  parseKubernetesLabelSelector,
  parseMatcherList,
  renderMatchers,
} from './promql';

/**
 * What the annotations of one entity say about where its series are.
 *
 * @public
 */
export interface ServiceTarget {
  /** The `service` label value. */
  service: string;
  /** Matchers every query of this entity carries (service, namespace, extra). */
  matchers: LabelMatcher[];
  /** The query profile name. */
  profile: string;
}

/** @public */
export const DEFAULT_PROFILE = 'http';

/**
 * True when the entity has an annotation that names its service.
 *
 * @public
 */
export function hasMonitoringAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  return MONITORING_ANNOTATIONS.some(name => Boolean(annotations?.[name]));
}

/**
 * The `service` a Kubernetes label selector names through one of the service pod labels.
 *
 * @public
 */
export function serviceFromLabelSelector(text: string): string | undefined {
  const { equals } = parseKubernetesLabelSelector(text);
  for (const podLabel of SERVICE_POD_LABELS) {
    if (equals[podLabel]) return equals[podLabel];
  }
  return undefined;
}

/**
 * Resolves an entity's annotations into the matchers of the label contract.
 *
 * Order: `monitoring/service-name`, then `backstage.io/kubernetes-id`, then the
 * `backstage.io/kubernetes-label-selector` term on one of the service pod labels.
 * Throws {@link InvalidMatcherError} when the annotations cannot name a service.
 *
 * @public
 */
export function resolveServiceTarget(
  annotations: Record<string, string> | undefined,
): ServiceTarget {
  const a = annotations ?? {};
  const labelSelector = a[ANNOTATION_KUBERNETES_LABEL_SELECTOR];
  const service =
    a[ANNOTATION_SERVICE_NAME]?.trim() ||
    a[ANNOTATION_KUBERNETES_ID]?.trim() ||
    (labelSelector ? serviceFromLabelSelector(labelSelector) : undefined);
  if (!service) {
    throw new InvalidMatcherError(
      labelSelector
        ? `${ANNOTATION_KUBERNETES_LABEL_SELECTOR} must select on ${SERVICE_POD_LABELS.join(
            ' or ',
          )} to name a service`
        : `the entity has none of ${ANNOTATION_SERVICE_NAME}, ${ANNOTATION_KUBERNETES_ID}, ${ANNOTATION_KUBERNETES_LABEL_SELECTOR}`,
    );
  }
  const matchers: LabelMatcher[] = [
    { name: LABELS.service, op: '=', value: service },
  ];
  const namespace = a[ANNOTATION_KUBERNETES_NAMESPACE]?.trim();
  if (namespace) {
    matchers.push({ name: LABELS.namespace, op: '=', value: namespace });
  }
  if (a[ANNOTATION_SELECTOR]) {
    for (const extra of parseMatcherList(a[ANNOTATION_SELECTOR])) {
      // The contract's own labels are set above or per environment by the backend.
      // The namespace too: it is part of the service's identity (see the backend's claims).
      if (
        extra.name === LABELS.service ||
        extra.name === LABELS.namespace ||
        extra.name === LABELS.environment ||
        extra.name === LABELS.cluster
      ) {
        throw new InvalidMatcherError(
          `${ANNOTATION_SELECTOR} may not set "${extra.name}"; it comes from the label contract`,
        );
      }
      matchers.push(extra);
    }
  }
  // Checks every name and value now (length, grammar), so a bad annotation is reported as such
  // by whoever resolves it, not later by whatever builds a query from it.
  renderMatchers(matchers);
  return {
    service,
    matchers,
    profile: a[ANNOTATION_METRICS_PROFILE]?.trim() || DEFAULT_PROFILE,
  };
}
