import { Entity } from '@backstage/catalog-model';
import {
  hasAlertAnnotations,
  hasMonitoringAnnotations,
  KUBERNETES_CLUSTER_TYPE,
} from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * True when the entity carries an annotation that names its service (`monitoring/service-name`,
 * `backstage.io/kubernetes-id` or `backstage.io/kubernetes-label-selector`). Use it with
 * `EntitySwitch` to show the Monitoring tab and cards only where they can work.
 *
 * @public
 */
export function isMonitoringAvailable(entity: Entity): boolean {
  return hasMonitoringAnnotations(entity.metadata.annotations);
}

/**
 * True when the entity's annotations select alerts: those of {@link isMonitoringAvailable}, or
 * Roadie's `prometheus.io/alert` (read for migration). Use it for `EntityMonitoringAlertsCard`.
 *
 * @public
 */
export function isMonitoringAlertsAvailable(entity: Entity): boolean {
  return hasAlertAnnotations(entity.metadata.annotations);
}

/**
 * True for a `Resource` of type `kubernetes-cluster` (what the hub and spoke templates
 * register): use it for `EntityMonitoringClusterCard`.
 *
 * @public
 */
export function isMonitoringClusterAvailable(entity: Entity): boolean {
  return (
    entity.kind.toLowerCase() === 'resource' &&
    (entity.spec as { type?: unknown } | undefined)?.type ===
      KUBERNETES_CLUSTER_TYPE
  );
}
