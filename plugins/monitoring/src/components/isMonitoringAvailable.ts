import { Entity } from '@backstage/catalog-model';
import { hasMonitoringAnnotations } from '@internal/plugin-monitoring-common';

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
