import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import {
  AlertScope,
  alertLabelsMatchScope,
  EntitySloResponse,
  LABELS,
  SLO_ALERT_NAMES,
  SLO_BURN_RATE_ALERTS,
  SLO_LABELS,
  SloAlertSeverity,
  SloBurnAlert,
  SloKind,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertSnapshot, AlertSnapshots } from '../alerts/AlertSnapshots';
import { entityAlertScope } from '../alerts/EntityAlertsService';
import { QueryRunner } from '../metrics/QueryRunner';
import { ObjectiveQueries, queryCount, sloPlan } from './sloQueries';
import { ObjectiveReadings, objectiveStatus } from './sloStatus';

const SEVERITY_OF_NAME = new Map<string, SloAlertSeverity>(
  (Object.entries(SLO_ALERT_NAMES) as Array<[SloAlertSeverity, string]>).map(
    ([severity, name]) => [name, severity],
  ),
);

/**
 * The firing and pending burn-rate alerts of an objective in one environment, among the
 * entity's alerts (its alert scope, as on its alerts tab); in a namespace when the status is
 * of one.
 */
export function burnAlerts(
  snapshot: AlertSnapshot,
  scope: AlertScope,
  slo: SloKind,
  environment: string,
  namespace: string | undefined,
): SloBurnAlert[] {
  const found: SloBurnAlert[] = [];
  for (const rule of snapshot.rules) {
    const ruleSeverity = SEVERITY_OF_NAME.get(rule.name);
    if (!ruleSeverity) continue;
    for (const alert of rule.alerts) {
      const labels = alert.labels;
      if (
        labels[SLO_LABELS.slo] !== slo ||
        (labels[LABELS.environment] ?? 'unknown') !== environment ||
        (namespace !== undefined &&
          labels[LABELS.namespace] !== undefined &&
          labels[LABELS.namespace] !== namespace) ||
        !alertLabelsMatchScope(scope, labels)
      )
        continue;
      const severity = labels[SLO_LABELS.severity];
      found.push({
        alertname: rule.name,
        severity:
          severity === 'page' || severity === 'ticket'
            ? severity
            : ruleSeverity,
        state: alert.state,
        ...(alert.activeAt ? { activeAt: alert.activeAt } : {}),
      });
    }
  }
  const rank = (a: SloBurnAlert) =>
    (a.state === 'firing' ? 0 : 2) + (a.severity === 'page' ? 0 : 1);
  return found.sort((a, b) => rank(a) - rank(b));
}

/**
 * An entity's objectives and their error budgets, per environment: every number read at one
 * instant from the raw series (the same SLI expressions the hub's recording rules use), the
 * burn-rate alerts from the shared alert snapshot.
 */
export class EntitySloService {
  constructor(
    private readonly runner: QueryRunner,
    private readonly snapshots: AlertSnapshots,
    private readonly environments: string[],
    private readonly logger: LoggerService,
  ) {}

  /**
   * `time`: unix seconds; `signal`: the caller's request, once it closes its queries still
   * queued are not sent. Bad annotations are an InputError before any query.
   */
  async getSlo(
    entity: Entity,
    time: number,
    signal?: AbortSignal,
    opts: { unnamespacedAlerts?: boolean } = {},
  ): Promise<EntitySloResponse> {
    const plan = sloPlan(entity, time);
    const response: EntitySloResponse = {
      period: plan.slos.period,
      periodSeconds: plan.slos.periodMs / 1000,
      evaluatedAt: new Date(time * 1000).toISOString(),
      objectives: [],
      burnRateAlerts: SLO_BURN_RATE_ALERTS.map(a => ({ ...a })),
    };
    if (plan.objectives.length === 0) return response;
    const scope = entityAlertScope(entity, opts.unnamespacedAlerts);

    const release = this.runner.admit(queryCount(plan));
    const snapshot = this.snapshots.get().catch(e => {
      this.logger.warn(
        `monitoring: SLO burn-rate alerts unavailable: ${isError(e) ? e.message : 'error'}`,
      );
      return undefined;
    });
    let readings: ObjectiveReadings[];
    try {
      readings = await this.read(plan.objectives, time, signal);
    } finally {
      release();
    }
    const alerts = await snapshot;
    response.objectives = plan.objectives.map((queries, i) =>
      objectiveStatus(
        queries,
        readings[i],
        plan.slos,
        this.environments,
        (slo, environment, namespace) =>
          alerts
            ? burnAlerts(alerts, scope, slo, environment, namespace)
            : null,
      ),
    );
    return response;
  }

  /** Every query of every objective at once; the first failure fails them all, once all settled. */
  private async read(
    objectives: ObjectiveQueries[],
    time: number,
    signal?: AbortSignal,
  ): Promise<ObjectiveReadings[]> {
    const instant = (q: string) => this.runner.query(q, time, signal);
    const pending = objectives.map(o => ({
      windows: o.windows.map(instant),
      period: instant(o.period),
      historyErrorRatio: this.runner.queryRange(
        o.history.errorRatio,
        o.history.range,
        signal,
      ),
      historyRequests: this.runner.queryRange(
        o.history.requests,
        o.history.range,
        signal,
      ),
      buckets: o.buckets ? instant(o.buckets.query) : undefined,
    }));
    const settled = await Promise.allSettled(
      pending.flatMap(p => [
        ...p.windows,
        p.period,
        p.historyErrorRatio,
        p.historyRequests,
        ...(p.buckets ? [p.buckets] : []),
      ]),
    );
    const failed = settled.find(s => s.status === 'rejected') as
      PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
    return Promise.all(
      pending.map(async p => ({
        windows: await Promise.all(p.windows),
        period: await p.period,
        historyErrorRatio: await p.historyErrorRatio,
        historyRequests: await p.historyRequests,
        buckets: p.buckets ? await p.buckets : undefined,
      })),
    );
  }
}
