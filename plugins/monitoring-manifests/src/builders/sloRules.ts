/**
 * A service's SLO rules for the hub's vmalert, with Sloth's series names and labels: the SLI
 * error ratio over every alert window and over the period, the objective, the budget and its
 * remaining share as series, and the workbook's multi-window, multi-burn-rate alerts.
 *
 * Every SLI is read from the raw series by monitoring-common's `sloErrorRatioQuery` (the same
 * expression the backend's SLO endpoint evaluates). vmalert writes a group's results through
 * remote write and VictoriaMetrics hides the newest samples from queries for a while
 * (`-search.latencyOffset`), so a rule that reads a series recorded in the same round reads the
 * round before: only the alerts (as Sloth's do) and the period's burn rate and budget read
 * recorded series, where a round late is nothing next to their windows. The period's rules run
 * in a group of their own at a slower interval, since they read 30 days of samples.
 */
import {
  buildSelector,
  errorBudgetRatio,
  LabelMatcher,
  ServiceSlos,
  SLO_ALERT_NAMES,
  SLO_BURN_RATE_ALERTS,
  SLO_LABELS,
  SLO_RECORDS,
  SLO_WINDOWS,
  SloAlertSeverity,
  sloErrorRatioQuery,
  sloId,
  SloObjective,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertingRule, RecordingRule, RuleGroup } from './rules';

/** @public */
export interface ServiceSloRulesOptions {
  /** The `service` label value the selector picks. */
  service: string;
  profile: 'http' | 'grpc';
  /** The service's matchers (and any environment restriction). */
  matchers: readonly LabelMatcher[];
  slos: ServiceSlos;
  /** `severity` label of the page and ticket alerts. */
  severities: Record<SloAlertSeverity, string>;
  /** Extra labels of the alerts (team, the alert selector's). */
  alertLabels?: Record<string, string>;
  /** Extra annotations of the alerts (runbook, dashboard). */
  alertAnnotations?: Record<string, string>;
  /** The groups are named `<groupName>-slo` and `<groupName>-slo-period`. */
  groupName: string;
  /** Evaluation interval of the period group (default 5m). */
  periodInterval?: string;
}

/**
 * The default interval of the period group: its rules read the whole period.
 *
 * @public
 */
export const SLO_PERIOD_INTERVAL = '5m';

/**
 * The SLO rule groups' names for a service rule named `name`.
 *
 * @public
 */
export function sloGroupNames(name: string) {
  return { windows: `${name}-slo`, period: `${name}-slo-period` };
}

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(6))}%`;
/** A number as PromQL reads it, without float noise (0.001, not 0.0010000000000000009). */
const num = (n: number) => String(Number(n.toPrecision(12)));

function describeObjective(o: SloObjective): string {
  if (o.slo === 'availability')
    return `${percent(o.target)} of requests without a server error`;
  const ms = Number(((o.thresholdSeconds ?? 0) * 1000).toPrecision(6));
  return `${percent(o.target)} of requests faster than ${ms}ms`;
}

function objectiveRules(
  o: ServiceSloRulesOptions,
  objective: SloObjective,
): {
  windows: RecordingRule[];
  period: RecordingRule[];
  alerts: AlertingRule[];
} {
  const id = sloId(o.groupName, objective.slo);
  const sloth = {
    [SLO_LABELS.id]: id,
    [SLO_LABELS.service]: o.service,
    [SLO_LABELS.slo]: objective.slo,
    // The label the portal finds a service's alerts and series by.
    [LABELS.service]: o.service,
  };
  const budget = num(errorBudgetRatio(objective.target));
  const sli = (window: string) =>
    sloErrorRatioQuery({
      profile: o.profile,
      matchers: o.matchers,
      objective,
      window,
    });
  const windows: RecordingRule[] = SLO_WINDOWS.map(window => ({
    record: SLO_RECORDS.sliErrorRatio(window),
    expr: sli(window),
    labels: { ...sloth, [SLO_LABELS.window]: window },
  }));
  windows.push(
    {
      record: SLO_RECORDS.objective,
      expr: `vector(${num(objective.target)})`,
      labels: sloth,
    },
    {
      record: SLO_RECORDS.errorBudget,
      expr: `vector(${budget})`,
      labels: sloth,
    },
    {
      record: SLO_RECORDS.timePeriodDays,
      expr: `vector(${num(o.slos.periodMs / 86_400_000)})`,
      labels: sloth,
    },
    {
      record: SLO_RECORDS.currentBurnRate,
      expr: `(${sli('5m')}) / ${budget}`,
      labels: sloth,
    },
  );
  const periodSli = sli(o.slos.period);
  // The period's ratio is read raw once; its burn rate and the budget left divide the recorded
  // ratio (a round late, at most the group's interval: nothing against a 30-day period), so a
  // round scans the period's samples once, not three times.
  const recordedPeriod = buildSelector(
    [{ name: SLO_LABELS.id, op: '=', value: id }],
    SLO_RECORDS.sliErrorRatio(o.slos.period),
  );
  const period: RecordingRule[] = [
    {
      record: SLO_RECORDS.sliErrorRatio(o.slos.period),
      expr: periodSli,
      labels: { ...sloth, [SLO_LABELS.window]: o.slos.period },
    },
    {
      record: SLO_RECORDS.periodBurnRate,
      expr: `max without (${SLO_LABELS.window}) (${recordedPeriod}) / ${budget}`,
      labels: sloth,
    },
    {
      record: SLO_RECORDS.budgetRemaining,
      expr: `1 - max without (${SLO_LABELS.window}) (${recordedPeriod}) / ${budget}`,
      labels: sloth,
    },
  ];

  const recorded = (window: string) =>
    buildSelector(
      [
        { name: SLO_LABELS.id, op: '=', value: id },
        { name: SLO_LABELS.service, op: '=', value: o.service },
        { name: SLO_LABELS.slo, op: '=', value: objective.slo },
      ],
      SLO_RECORDS.sliErrorRatio(window),
    );
  // `max without (sloth_window)`: the two windows' series differ only in that label, which
  // `and` would otherwise match on (and find nothing).
  const above = (window: string, factor: number) =>
    `max without (${SLO_LABELS.window}) (${recorded(window)} > (${num(factor)} * ${budget}))`;
  const where =
    '{{ $labels.service }} in {{ $labels.environment }} (namespace {{ $labels.namespace }})';
  const alerts = (['page', 'ticket'] as const).map((severity): AlertingRule => {
    const pairs = SLO_BURN_RATE_ALERTS.filter(a => a.severity === severity);
    const expr = pairs
      .map(
        a =>
          `(${above(a.longWindow, a.factor)} and ${above(a.shortWindow, a.factor)})`,
      )
      .join(' or ');
    const policy = pairs
      .map(a => `${a.factor}x over ${a.longWindow} and ${a.shortWindow}`)
      .join(', or ');
    return {
      alert: SLO_ALERT_NAMES[severity],
      expr,
      labels: {
        ...o.alertLabels,
        ...sloth,
        [SLO_LABELS.severity]: severity,
        severity: o.severities[severity],
      },
      annotations: {
        summary: `${where}: the ${objective.slo} SLO's error budget is burning ${severity === 'page' ? 'fast' : 'steadily'}`,
        description:
          `The ${objective.slo} objective (${describeObjective(objective)} over ${o.slos.period}) ` +
          `of ${where} spends its error budget faster than sustainable: ${policy}.`,
        ...o.alertAnnotations,
      },
    };
  });
  return { windows, period, alerts };
}

/**
 * The SLO rule groups of a service; none when it declares no objectives.
 *
 * @public
 */
export function serviceSloRuleGroups(o: ServiceSloRulesOptions): RuleGroup[] {
  if (!o.slos.objectives.length) return [];
  const names = sloGroupNames(o.groupName);
  const parts = o.slos.objectives.map(objective =>
    objectiveRules(o, objective),
  );
  return [
    {
      name: names.windows,
      rules: parts.flatMap(p => [...p.windows, ...p.alerts]),
    },
    {
      name: names.period,
      interval: o.periodInterval ?? SLO_PERIOD_INTERVAL,
      rules: parts.flatMap(p => p.period),
    },
  ];
}
