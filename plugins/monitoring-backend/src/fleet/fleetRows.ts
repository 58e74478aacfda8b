/**
 * The pure part of the fleet view: a row per entity, a graded cell per environment, firing
 * alerts counted from an index built once per request.
 */
import { Entity } from '@backstage/catalog-model';
import {
  alertLabelsMatchScope,
  AlertScope,
  FLEET_HEALTH_ORDER,
  FleetCell,
  FleetHealth,
  FleetRow,
  LABELS,
  resolveAlertScope,
  ServiceIdentity,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertSnapshot } from '../alerts/AlertSnapshots';
import { HealthThresholds } from '../config';
import { FleetSample, SPARKLINE_POINTS } from './fleetData';

export function classify(
  cell: Pick<FleetCell, 'requestRate' | 'errorRatio' | 'latencyP95'>,
  t: HealthThresholds,
): FleetHealth {
  if (cell.requestRate === null) return 'no-data';
  const e = cell.errorRatio ?? 0;
  const p = cell.latencyP95 ?? 0;
  if (e >= t.errorRatio.critical || p >= t.latencyP95Seconds.critical)
    return 'critical';
  if (e >= t.errorRatio.warning || p >= t.latencyP95Seconds.warning)
    return 'warning';
  return 'ok';
}

const worst = (healths: FleetHealth[]): FleetHealth =>
  FLEET_HEALTH_ORDER.find(h => healths.includes(h)) ?? 'no-data';

/** The samples of one identity in one environment, summed over namespaces when it names none. */
function cellOf(
  samples: FleetSample[],
  t: HealthThresholds,
  firing: number | null,
): FleetCell {
  if (samples.length === 0) {
    // No requests at all while alerts fire (the service is down): that is the worst, not "no data".
    const health: FleetHealth = firing ? 'critical' : 'no-data';
    return {
      health,
      requestRate: null,
      errorRatio: null,
      latencyP95: null,
      firingAlerts: firing,
      budgetRemaining: null,
      sparkline: Array(SPARKLINE_POINTS).fill(null),
    };
  }
  if (samples.length === 1) {
    // The common case (one namespace): no summing.
    const [s] = samples;
    const cell: FleetCell = {
      health: 'no-data',
      requestRate: s.requestRate,
      errorRatio: s.requestRate > 0 ? s.errorRate / s.requestRate : 0,
      latencyP95: s.latencyP95,
      firingAlerts: firing,
      budgetRemaining: s.budgetRemaining,
      sparkline: s.sparkline,
    };
    cell.health = classify(cell, t);
    return cell;
  }
  const requestRate = samples.reduce((s, x) => s + x.requestRate, 0);
  const errorRate = samples.reduce((s, x) => s + x.errorRate, 0);
  // A quantile cannot be added up: over several namespaces the worst one stands for all.
  const latencies = samples
    .map(x => x.latencyP95)
    .filter((v): v is number => v !== null);
  // Nor can budgets: the namespace with the least left stands for all.
  const budgets = samples
    .map(x => x.budgetRemaining)
    .filter((v): v is number => v !== null);
  const sparkline = Array.from({ length: SPARKLINE_POINTS }, (_, i) => {
    const values = samples
      .map(x => x.sparkline[i])
      .filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  });
  const cell = {
    requestRate,
    errorRatio: requestRate > 0 ? errorRate / requestRate : 0,
    latencyP95: latencies.length ? Math.max(...latencies) : null,
  };
  return {
    ...cell,
    health: classify(cell, t),
    firingAlerts: firing,
    budgetRemaining: budgets.length ? Math.min(...budgets) : null,
    sparkline,
  };
}

/** Firing alerts by service, indexed once per request. */
export function firingIndex(
  snapshot: AlertSnapshot | undefined,
): Map<string, Array<Record<string, string>>> | undefined {
  if (!snapshot) return undefined;
  const index = new Map<string, Array<Record<string, string>>>();
  for (const rule of snapshot.rules) {
    for (const a of rule.alerts) {
      if (a.state !== 'firing') continue;
      const service = a.labels[LABELS.service] ?? '';
      const list = index.get(service);
      if (list) list.push(a.labels);
      else index.set(service, [a.labels]);
    }
  }
  return index;
}

function firingCount(
  index: Map<string, Array<Record<string, string>>> | undefined,
  scope: AlertScope | undefined,
  environment: string,
): number | null {
  // Unknown when the alert source or the entity's alert annotations cannot say.
  if (!index || !scope?.service) return null;
  return (index.get(scope.service) ?? []).filter(
    labels =>
      (labels[LABELS.environment] ?? 'unknown') === environment &&
      alertLabelsMatchScope(scope, labels),
  ).length;
}

/** `q` in the row's name, title, service or owner, whatever the case. */
export const textMatches = (row: FleetRow, q: string) =>
  [row.name, row.title ?? '', row.service, row.owner ?? ''].some(v =>
    v.toLowerCase().includes(q.toLowerCase()),
  );

/** One entity's row: a cell per environment, the worst of them as its health. */
export function fleetRow(
  entity: Entity,
  ref: string,
  identity: ServiceIdentity,
  samples: FleetSample[],
  firing: Map<string, Array<Record<string, string>>> | undefined,
  environments: string[],
  thresholds: HealthThresholds,
  unnamespacedAlerts: boolean,
): FleetRow {
  let scope: AlertScope | undefined;
  try {
    scope = {
      ...resolveAlertScope(entity.metadata.annotations),
      unnamespacedAlerts,
    };
  } catch {
    scope = undefined;
  }
  const mine = samples.filter(
    s => identity.namespace === undefined || s.namespace === identity.namespace,
  );
  const cells: Record<string, FleetCell> = {};
  for (const env of environments) {
    cells[env] = cellOf(
      mine.filter(s => s.environment === env),
      thresholds,
      firingCount(firing, scope, env),
    );
  }
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    entityRef: ref,
    name: entity.metadata.name,
    title: entity.metadata.title,
    owner: str(spec.owner),
    system: str(spec.system),
    lifecycle: str(spec.lifecycle),
    service: identity.service,
    namespace: identity.namespace,
    health: worst(Object.values(cells).map(c => c.health)),
    cells,
  };
}
