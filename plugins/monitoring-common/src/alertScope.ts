/**
 * Which alerts concern an entity: the same `service` / `namespace` resolution as the metrics
 * panels, narrowed by `monitoring/alert-selector`, plus Roadie's `prometheus.io/alert` and
 * `prometheus.io/labels` for entities migrating from its Prometheus plugin.
 *
 * Matching is done on label sets the backend already holds (vmalert's rules and alerts); the
 * matchers only become PromQL through `buildSelector` (for the `ALERTS` history).
 */
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_PROMETHEUS_ALERT,
  ANNOTATION_PROMETHEUS_LABELS,
} from './annotations';
import { LABELS } from './labelContract';
import { InvalidMatcherError, LabelMatcher, parseMatcherList } from './promql';
import {
  hasMonitoringAnnotations,
  resolveServiceTarget,
} from './serviceSelector';

/**
 * Longest alert name accepted from an annotation or a request.
 *
 * @public
 */
export const MAX_ALERT_NAME_LENGTH = 200;

/** @public */
export interface AlertScope {
  /** The `service` label value, when the entity names a service. */
  service?: string;
  /** The entity's Kubernetes namespace, when annotated. */
  namespace?: string;
  /** `monitoring/selector` matchers: applied to alerts that carry the label. */
  softMatchers: LabelMatcher[];
  /** `monitoring/alert-selector` and `prometheus.io/labels`: every alert must satisfy them. */
  strictMatchers: LabelMatcher[];
  /** `prometheus.io/alert`: rules chosen by name, or `all` rules (narrowed by the labels). */
  alertNames?: 'all' | string[];
  /**
   * Whether alerts of the service that carry no `namespace` label belong to this entity though
   * it names a namespace: only when it is the service's sole owner (see claims.ts), since such
   * an alert may come from any namespace. Entities naming no namespace cover every namespace.
   */
  unnamespacedAlerts?: boolean;
}

/** Labels the alert selectors may not set: they come from the label contract. */
const RESERVED = [
  LABELS.service,
  LABELS.namespace,
  LABELS.environment,
  LABELS.cluster,
];

function reservedCheck(
  annotation: string,
  matchers: LabelMatcher[],
): LabelMatcher[] {
  for (const m of matchers) {
    if ((RESERVED as string[]).includes(m.name)) {
      throw new InvalidMatcherError(
        `${annotation} may not set "${m.name}"; it comes from the label contract`,
      );
    }
  }
  return matchers;
}

/**
 * Checks an alert name (from an annotation or a request): printable, bounded.
 *
 * @public
 */
export function checkAlertName(name: string, where: string): string {
  const trimmed = name.trim();
  // Control characters and the separator of the annotation's list are refused.
  if (
    !trimmed ||
    trimmed.length > MAX_ALERT_NAME_LENGTH ||
    // eslint-disable-next-line no-control-regex -- control characters are what it refuses
    /[\u0000-\u001f\u007f,]/.test(trimmed)
  ) {
    throw new InvalidMatcherError(
      `${where} must be an alert name of 1 to ${MAX_ALERT_NAME_LENGTH} printable characters`,
    );
  }
  return trimmed;
}

/**
 * True when the entity has annotations that select alerts.
 *
 * @public
 */
export function hasAlertAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  return (
    hasMonitoringAnnotations(annotations) ||
    Boolean(annotations?.[ANNOTATION_PROMETHEUS_ALERT]?.trim())
  );
}

/**
 * The entity's alert scope. Throws {@link InvalidMatcherError} when its annotations are bad or
 * select nothing (neither a service nor `prometheus.io/alert`).
 *
 * @public
 */
export function resolveAlertScope(
  annotations: Record<string, string> | undefined,
): AlertScope {
  const a = annotations ?? {};
  const scope: AlertScope = { softMatchers: [], strictMatchers: [] };
  if (hasMonitoringAnnotations(a)) {
    const target = resolveServiceTarget(a);
    scope.service = target.service;
    for (const m of target.matchers) {
      if (m.name === LABELS.namespace) scope.namespace = m.value;
      else if (m.name !== LABELS.service) scope.softMatchers.push(m);
    }
  }
  if (a[ANNOTATION_ALERT_SELECTOR]) {
    scope.strictMatchers.push(
      ...reservedCheck(
        ANNOTATION_ALERT_SELECTOR,
        parseMatcherList(a[ANNOTATION_ALERT_SELECTOR]),
      ),
    );
  }
  const roadieAlerts = a[ANNOTATION_PROMETHEUS_ALERT]?.trim();
  if (roadieAlerts) {
    scope.alertNames =
      roadieAlerts.toLowerCase() === 'all'
        ? 'all'
        : roadieAlerts
            .split(',')
            .filter(n => n.trim())
            .map(n => checkAlertName(n, ANNOTATION_PROMETHEUS_ALERT));
    if (a[ANNOTATION_PROMETHEUS_LABELS]) {
      // Roadie's labels are plain equality filters on the alerts; reserved labels are allowed
      // here, since an entity without our annotations has no other way to name its service.
      scope.strictMatchers.push(
        ...parseMatcherList(a[ANNOTATION_PROMETHEUS_LABELS]),
      );
    }
  }
  if (!scope.service && !scope.alertNames) {
    throw new InvalidMatcherError(
      'the entity has no annotation that selects alerts',
    );
  }
  return scope;
}

function satisfies(labels: Record<string, string>, m: LabelMatcher): boolean {
  const value = labels[m.name] ?? '';
  // Only equality matchers come from annotations (parseMatcherList); anything else never matches.
  if (m.op === '=') return value === m.value;
  if (m.op === '!=') return value !== m.value;
  return false;
}

/**
 * Whether an alert's labels belong to the entity: its `service` (and `namespace`; a service's
 * alert without one only with `unnamespacedAlerts`), every strict matcher, and the soft matchers whose label the alert carries. An
 * entity that names no service sees only alerts without a `service` label.
 *
 * @public
 */
export function alertLabelsMatchScope(
  scope: AlertScope,
  labels: Record<string, string>,
): boolean {
  if (scope.service !== undefined && labels[LABELS.service] !== scope.service)
    return false;
  // A service's alerts belong to the entities that name it (and so are its claimants): Roadie's
  // `prometheus.io/alert: all` alone must not read every service's alert state.
  if (
    scope.service === undefined &&
    labels[LABELS.service] !== undefined &&
    !scope.strictMatchers.some(m => m.name === LABELS.service && m.op === '=')
  ) {
    return false;
  }
  if (scope.namespace !== undefined) {
    const namespace = labels[LABELS.namespace];
    if (namespace === undefined) {
      // A rule that drops `namespace` must not let a claimant of one namespace read them all.
      if (labels[LABELS.service] !== undefined && !scope.unnamespacedAlerts)
        return false;
    } else if (namespace !== scope.namespace) return false;
  }
  if (!scope.strictMatchers.every(m => satisfies(labels, m))) return false;
  return scope.softMatchers.every(
    m => labels[m.name] === undefined || satisfies(labels, m),
  );
}
