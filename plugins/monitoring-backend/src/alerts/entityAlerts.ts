/**
 * From the hub's alert snapshot to one entity's alerts: which rules concern it, their state per
 * environment and cluster, and what Alertmanager does with each alert.
 */
import {
  AlertInstance,
  AlertmanagerStatus,
  AlertRuleStatus,
  AlertScope,
  AlertState,
  alertLabelsMatchScope,
  EntityAlertsResponse,
  EntitySilence,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AmAlert, AmMatcher, AmSilence } from './AlertmanagerClient';
import { silenceMatchers } from './silences';
import { AlertSnapshot } from './AlertSnapshots';
import { VmAlert, VmAlertRule } from './VmAlertClient';

const STATE_RANK: Record<AlertState, number> = {
  firing: 0,
  pending: 1,
  inactive: 2,
};
const SEVERITY_RANK: Record<string, number> = {
  critical: 0,
  error: 1,
  warning: 2,
  info: 3,
  none: 4,
};
const severityRank = (s?: string) => SEVERITY_RANK[s ?? ''] ?? 5;

/** Only http(s) links reach the browser (an annotation could hold `javascript:`). */
export function safeLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:'
      ? u.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether an expression aggregates `by (...)` the `service` label, i.e. yields one alert per
 * service (the hub's service SLO rules): such a rule concerns every service, firing or not.
 */
export function groupsByService(query: string): boolean {
  for (const m of query.matchAll(/\bby\s*\(([^)]*)\)/g)) {
    if (m[1].split(',').some(l => l.trim() === LABELS.service)) return true;
  }
  return false;
}

const inNamedList = (rule: VmAlertRule, scope: AlertScope) =>
  scope.alertNames === 'all' ||
  (Array.isArray(scope.alertNames) && scope.alertNames.includes(rule.name));

/** A rule's static labels do not contradict the scope (labels it does not carry are open). */
function staticLabelsAllow(
  scope: AlertScope,
  labels: Record<string, string>,
): boolean {
  const present = Object.fromEntries(
    [...scope.strictMatchers, ...scope.softMatchers]
      .filter(m => labels[m.name] !== undefined)
      .map(m => [m.name, m]),
  );
  return alertLabelsMatchScope(
    {
      ...scope,
      service: labels[LABELS.service] === undefined ? undefined : scope.service,
      // A label the rule does not set is open here: its alerts are matched one by one.
      unnamespacedAlerts: true,
      strictMatchers: Object.values(present),
      softMatchers: [],
    },
    labels,
  );
}

/** Whether a rule concerns the entity even when none of its alerts is active. */
function ruleSelectsScope(rule: VmAlertRule, scope: AlertScope): boolean {
  if (Array.isArray(scope.alertNames) && scope.alertNames.includes(rule.name))
    return true;
  if (scope.alertNames === 'all' && scope.strictMatchers.length === 0)
    return true;
  if (scope.service === undefined) return false;
  // A rule written for one service (e.g. by monitor-a-service) names it in its labels; a
  // hub-wide rule that aggregates by service yields one alert per service.
  if (rule.labels[LABELS.service] === undefined && !groupsByService(rule.query))
    return false;
  return staticLabelsAllow(scope, rule.labels);
}

/** Alerts of named rules (Roadie) need the labels only; others need the entity's service. */
const alertMatches = (rule: VmAlertRule, alert: VmAlert, scope: AlertScope) =>
  (inNamedList(rule, scope) || scope.service !== undefined) &&
  alertLabelsMatchScope(scope, alert.labels);

const labelKey = (labels: Record<string, string>) =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map(k => [k, labels[k]]),
  );

function alertmanagerStatus(
  snapshot: AlertSnapshot,
  byLabels: Map<string, AmAlert>,
  alert: VmAlert,
): AlertmanagerStatus {
  if (snapshot.alertmanager !== 'ok')
    return { state: 'unknown', silencedBy: [], inhibitedBy: [] };
  const am = byLabels.get(labelKey(alert.labels));
  // Pending alerts are not sent to Alertmanager; a firing one it has not seen yet is unprocessed.
  if (!am)
    return {
      state: alert.state === 'firing' ? 'unprocessed' : 'active',
      silencedBy: [],
      inhibitedBy: [],
    };
  return {
    state: am.state,
    silencedBy: am.silencedBy,
    inhibitedBy: am.inhibitedBy,
  };
}

/** `{{ $labels.service }}` etc. of a rule's (untemplated) annotation, filled where known. */
function fillTemplate(
  text: string | undefined,
  scope: AlertScope,
): string | undefined {
  if (!text) return undefined;
  const known: Record<string, string | undefined> = {
    [LABELS.service]: scope.service,
    [LABELS.namespace]: scope.namespace,
  };
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^\$labels\.([a-zA-Z_][a-zA-Z0-9_]*)$/.exec(expr);
    return (m && known[m[1]]) || '…';
  });
}

function toInstance(
  snapshot: AlertSnapshot,
  byLabels: Map<string, AmAlert>,
  alert: VmAlert,
): AlertInstance {
  return {
    state: alert.state,
    environment: alert.labels[LABELS.environment] ?? 'unknown',
    cluster: alert.labels[LABELS.cluster],
    value: alert.value,
    activeAt: alert.activeAt,
    labels: alert.labels,
    summary: alert.annotations.summary,
    description: alert.annotations.description,
    runbookUrl: safeLink(alert.annotations.runbook_url),
    sourceUrl: safeLink(alert.source),
    alertmanager: alertmanagerStatus(snapshot, byLabels, alert),
  };
}

function compareRules(a: AlertRuleStatus, b: AlertRuleStatus): number {
  return (
    STATE_RANK[a.state] - STATE_RANK[b.state] ||
    severityRank(a.severity) - severityRank(b.severity) ||
    a.name.localeCompare(b.name) ||
    a.group.localeCompare(b.group)
  );
}

/**
 * Whether a silence was made for this scope through Backstage: its matchers are exactly the ones
 * `silenceMatchers` builds for the scope, plus at most an exact `alertname` and `environment`.
 * A silence with any other matcher (made elsewhere, wider or narrower) is not the entity's.
 */
export function silenceBelongsToScope(
  silence: Pick<AmSilence, 'matchers'>,
  scope: AlertScope,
): boolean {
  if (scope.service === undefined) return false;
  const key = (m: AmMatcher) =>
    JSON.stringify([m.name, m.value, m.isRegex, m.isEqual]);
  const base = silenceMatchers(scope, {});
  const have = new Set(silence.matchers.map(key));
  if (
    have.size !== silence.matchers.length ||
    !base.every(m => have.has(key(m)))
  )
    return false;
  const baseKeys = new Set(base.map(key));
  const extra = silence.matchers.filter(m => !baseKeys.has(key(m)));
  const optional = ['alertname', LABELS.environment];
  return (
    extra.every(m => optional.includes(m.name) && !m.isRegex && m.isEqual) &&
    new Set(extra.map(m => m.name)).size === extra.length
  );
}

export function toEntitySilence(s: AmSilence): EntitySilence {
  const value = (name: string) =>
    s.matchers.find(m => m.name === name && m.isEqual && !m.isRegex)?.value;
  return {
    id: s.id,
    state: s.state,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    createdBy: s.createdBy,
    comment: s.comment,
    alertname: value('alertname'),
    environment: value(LABELS.environment),
  };
}

export function entityAlerts(
  entityRef: string,
  scope: AlertScope,
  snapshot: AlertSnapshot,
  environments: string[],
): EntityAlertsResponse {
  const byLabels = new Map(snapshot.amAlerts.map(a => [labelKey(a.labels), a]));
  const rules: AlertRuleStatus[] = [];
  for (const rule of snapshot.rules) {
    const alerts = rule.alerts.filter(a => alertMatches(rule, a, scope));
    if (alerts.length === 0 && !ruleSelectsScope(rule, scope)) continue;
    const instances = alerts
      .map(a => toInstance(snapshot, byLabels, a))
      .sort(
        (x, y) =>
          STATE_RANK[x.state] - STATE_RANK[y.state] ||
          environments.indexOf(x.environment) -
            environments.indexOf(y.environment) ||
          (x.cluster ?? '').localeCompare(y.cluster ?? ''),
      );
    let state: AlertState = 'inactive';
    if (instances.some(i => i.state === 'firing')) state = 'firing';
    else if (instances.length) state = 'pending';
    const active = new Set(instances.map(i => i.environment));
    rules.push({
      id: rule.id,
      name: rule.name,
      group: rule.group,
      severity: rule.labels.severity ?? instances[0]?.labels.severity,
      state,
      summary:
        instances[0]?.summary ?? fillTemplate(rule.annotations.summary, scope),
      description:
        instances[0]?.description ??
        fillTemplate(rule.annotations.description, scope),
      runbookUrl:
        safeLink(rule.annotations.runbook_url) ?? instances[0]?.runbookUrl,
      query: rule.query,
      forSeconds: rule.forSeconds,
      instances,
      inactiveEnvironments: environments.filter(e => !active.has(e)),
    });
  }
  rules.sort(compareRules);
  // Environments only alerts name (or "unknown" for alerts without the label) get a column too.
  const seen = [
    ...new Set(rules.flatMap(r => r.instances.map(i => i.environment))),
  ]
    .filter(e => !environments.includes(e))
    .sort();
  const columns = [...environments, ...seen];
  const counts: Record<AlertState, number> = {
    firing: 0,
    pending: 0,
    inactive: 0,
  };
  for (const r of rules) counts[r.state]++;
  return {
    entityRef,
    service: scope.service,
    environments: columns,
    rules,
    counts,
    alertmanager: snapshot.alertmanager,
    silences: snapshot.silences
      .filter(s => silenceBelongsToScope(s, scope))
      .map(toEntitySilence),
    fetchedAt: snapshot.fetchedAt,
  };
}
