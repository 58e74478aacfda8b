// Over 400 lines: the input's checks, the annotations and the rule share one parsed input.
/**
 * The monitor-a-service builder: from a catalog component and the alert options, the component's
 * monitoring annotations (merged into the entity) and a VMRule with its error-ratio and p95
 * latency alerts.
 *
 * The selector is resolved from the annotations by `resolveServiceTarget` and the expressions
 * come from `serviceAlertExpressions` (monitoring-common), the same series and query shapes as
 * the backend's per-service panels. No annotation text is ever concatenated into PromQL, and no
 * entity text reaches an alert template unchecked: vmalert expands `{{ }}` in labels and
 * annotations.
 */
import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_DASHBOARD_URL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_METRICS_PROFILE,
  InvalidMatcherError,
  LABELS,
  LabelMatcher,
  ServiceAlertExpressions,
  ServiceTarget,
  environmentMatcher,
  hasMonitoringAnnotations,
  isServiceAlertProfile,
  parseMatcherList,
  resolveServiceTarget,
  serviceAlertExpressions,
  SERVICE_ALERT_PROFILES,
  InvalidSloError,
  parseSloAnnotations,
  ServiceSlos,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { RULE_LABEL } from './alerting';
import { commonLabels, detach, object, OPERATOR_API_VERSION } from './common';
import {
  CatalogEntity,
  parseServiceRulesInput,
  ServiceRulesInput,
  ServiceRulesOptions,
} from './serviceRulesInput';
import { AlertingRule, RuleGroup } from './rules';
import { sloAnnotationsToSet } from './sloInput';
import { serviceSloRuleGroups } from './sloRules';
import { K8sObject } from './types';
import { DNS_LABEL, LABEL_VALUE } from './patterns';

export {
  serviceRulesInputSchema,
  parseServiceRulesInput,
  SERVICE_RULE_DEFAULTS,
} from './serviceRulesInput';
export type {
  CatalogEntity,
  ServiceRulesInput,
  ServiceRulesOptions,
} from './serviceRulesInput';

/**
 * The name of a service's error-ratio alert.
 *
 * @public
 */
export const ERROR_RATIO_ALERT = 'ServiceErrorRatioAboveThreshold';
/**
 * The name of a service's p95 latency alert.
 *
 * @public
 */
export const LATENCY_ALERT = 'ServiceLatencyP95AboveThreshold';

/**
 * Annotation on the VMRule naming the entity it was rendered for.
 *
 * @public
 */
export const SOURCE_ENTITY_ANNOTATION = 'monitoring.backstage.io/entity';

/**
 * Annotations the catalog adds when it reads an entity from a location. They describe where
 * this copy was read, not the component: left in a new catalog-info.yaml they would override
 * what the catalog sets when that file is registered, so they are dropped with uid/etag/relations.
 */
export const CATALOG_SET_ANNOTATIONS = [
  'backstage.io/managed-by-location',
  'backstage.io/managed-by-origin-location',
  'backstage.io/view-url',
  'backstage.io/edit-url',
  'backstage.io/source-location',
] as const;

/** Go-template delimiters: vmalert would expand them in labels and annotations. */
const TEMPLATE_DELIMITERS = /\{\{|\}\}/;
/** Labels the rule sets itself or the grouping produces; an alert selector may not set them. */
const RESERVED_LABELS = [
  'alertname',
  'severity',
  'team',
  LABELS.service,
  // From the series (the rules group by it): a static label would relabel another namespace's.
  LABELS.namespace,
  LABELS.cluster,
  LABELS.environment,
];

/** @public */
export interface ServiceAlert {
  alert: string;
  /** The expression without its threshold: the value the alert compares. */
  value: string;
  /** The alerting rule's `expr`: `value > threshold`. */
  expr: string;
}

/** @public */
export interface ServiceRulesResult {
  options: ServiceRulesOptions;
  /** The service as the annotations (after the merge) select it. */
  target: ServiceTarget & { profile: 'http' | 'grpc' };
  /** The VMRule, validated by the caller before it is written. */
  rule: K8sObject;
  alerts: ServiceAlert[];
  /** The objectives the annotations (after the merge) declare; none: no SLO rules. */
  slos: ServiceSlos;
  /** The SLO groups of `rule` (recording rules and burn-rate alerts), empty without objectives. */
  sloGroups: RuleGroup[];
  /** The annotations this run adds or changes. */
  annotationsSet: Record<string, string>;
  /** The component with the annotations merged, as a catalog-info.yaml source. */
  entity: CatalogEntity;
}

function fail(message: string): never {
  throw new InputError(`Invalid monitor-a-service input: ${message}`);
}

/** The annotations this run sets: each only when asked for. */
function annotationsToSet(
  o: ServiceRulesOptions,
  existing: Record<string, string>,
) {
  const set: Record<string, string> = {};
  if (o.kubernetesId) set[ANNOTATION_KUBERNETES_ID] = o.kubernetesId;
  else if (o.defaultKubernetesId && !hasMonitoringAnnotations(existing)) {
    set[ANNOTATION_KUBERNETES_ID] = o.defaultKubernetesId;
  }
  if (o.profile) set[ANNOTATION_METRICS_PROFILE] = o.profile;
  if (o.dashboardUrl) set[ANNOTATION_DASHBOARD_URL] = o.dashboardUrl;
  if (o.alertSelector) set[ANNOTATION_ALERT_SELECTOR] = o.alertSelector;
  return { ...set, ...sloAnnotationsToSet(o) };
}

function resolveTarget(
  annotations: Record<string, string>,
): ServiceRulesResult['target'] {
  let target: ServiceTarget;
  try {
    target = resolveServiceTarget(annotations);
  } catch (e) {
    if (e instanceof InvalidMatcherError) {
      fail(`entity: ${e.message}; pass kubernetesId to name the service`);
    }
    throw e;
  }
  if (!LABEL_VALUE.test(target.service)) {
    fail(
      `entity: the service "${target.service.slice(0, 64)}" can never match: the service label ` +
        'is copied from a pod label, so it must be a Kubernetes label value (letters, digits, -, _, .)',
    );
  }
  for (const m of target.matchers) {
    if (TEMPLATE_DELIMITERS.test(m.value)) {
      fail(
        `entity: the matcher on "${m.name}" contains {{ or }}, which vmalert would expand`,
      );
    }
  }
  if (!isServiceAlertProfile(target.profile)) {
    fail(
      `entity: ${ANNOTATION_METRICS_PROFILE} "${target.profile.slice(0, 64)}" has no alert ` +
        `expressions; pass profile (${SERVICE_ALERT_PROFILES.join(' or ')})`,
    );
  }
  return { ...target, profile: target.profile };
}

/** `k=v` matchers of the alert selector become alert labels, so the entity finds its alerts. */
function alertSelectorLabels(
  text: string | undefined,
  own: Record<string, string>,
) {
  if (!text) return {};
  let matchers: LabelMatcher[];
  try {
    matchers = parseMatcherList(text);
  } catch (e) {
    if (e instanceof InvalidMatcherError) fail(`alertSelector: ${e.message}`);
    throw e;
  }
  const labels: Record<string, string> = {};
  for (const m of matchers) {
    if (TEMPLATE_DELIMITERS.test(m.value))
      fail(`alertSelector: "${m.name}" contains {{ or }}`);
    if (m.op === '=') {
      if (RESERVED_LABELS.includes(m.name) && own[m.name] !== m.value) {
        fail(
          `alertSelector: "${m.name}" is set by the rule itself and cannot be required to be "${m.value}"`,
        );
      }
      labels[m.name] = m.value;
    } else if (own[m.name] === m.value) {
      fail(
        `alertSelector: ${m.name}!=${m.value} would not match the rendered alerts`,
      );
    }
  }
  return labels;
}

/** The owner's entity name (`group:default/team-shop` -> `team-shop`), for the `team` label. */
function teamOf(owner: unknown): string | undefined {
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  const name = owner.trim().split(/[:/]/).pop()!;
  if (!LABEL_VALUE.test(name))
    fail(`entity: spec.owner "${owner.slice(0, 64)}" has no usable name`);
  return name;
}

/** An http(s) URL safe to place in an alert annotation. */
function checkedUrl(
  field: string,
  value: string | undefined,
): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return fail(`${field}: must be an absolute http(s) URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    fail(`${field}: must be http or https`);
  if (url.username || url.password)
    fail(`${field}: must not contain credentials`);
  if (TEMPLATE_DELIMITERS.test(value))
    fail(`${field}: must not contain {{ or }}`);
  return value;
}

const percent = (ratio: number) => `${Number((ratio * 100).toPrecision(6))}%`;
const seconds = (s: number) =>
  s < 1 ? `${Number((s * 1000).toPrecision(6))}ms` : `${s}s`;

function alertingRules(
  o: ServiceRulesOptions,
  target: ServiceRulesResult['target'],
  e: ServiceAlertExpressions,
  labels: Record<string, string>,
  links: Record<string, string>,
): AlertingRule[] {
  const where =
    '{{ $labels.service }} in {{ $labels.environment }} (cluster {{ $labels.cluster }})';
  const failed =
    target.profile === 'grpc'
      ? 'with a non-OK gRPC status'
      : 'with a 5xx status';
  return [
    {
      alert: ERROR_RATIO_ALERT,
      expr: e.errorRatio.alert,
      for: o.errorRatioFor,
      labels: { ...labels },
      annotations: {
        summary: `${where}: {{ $value | humanizePercentage }} of requests fail`,
        description:
          `More than ${percent(o.errorRatioThreshold)} of the requests to ${where} ` +
          `have failed ${failed} for ${o.errorRatioFor} (rate over ${o.rateWindow}).`,
        ...links,
      },
    },
    {
      alert: LATENCY_ALERT,
      expr: e.latencyP95.alert,
      for: o.latencyFor,
      labels: { ...labels },
      annotations: {
        summary: `${where}: p95 latency {{ $value | humanizeDuration }}`,
        description:
          `The 95th percentile request latency of ${where} has been above ` +
          `${seconds(o.latencyP95ThresholdSeconds)} for ${o.latencyFor} (rate over ${o.rateWindow}).`,
        ...links,
      },
    },
  ];
}

/** The entity as a catalog-info.yaml source: merged annotations, no catalog-set fields. */
function sourceEntity(
  entity: CatalogEntity,
  annotations: Record<string, string>,
): CatalogEntity {
  const { relations: _r, status: _s, ...root } = entity;
  const { uid: _u, etag: _e, generation: _g, ...metadata } = entity.metadata;
  const kept = Object.fromEntries(
    Object.entries(annotations).filter(
      ([k]) => !(CATALOG_SET_ANNOTATIONS as readonly string[]).includes(k),
    ),
  );
  return detach([{ ...root, metadata: { ...metadata, annotations: kept } }])[0];
}

/** The catalog entity a rule is rendered for, as the rule's annotation records it. */
function sourceEntityRef(o: ServiceRulesOptions): string {
  return `component:${o.entity.metadata.namespace ?? 'default'}/${o.entity.metadata.name}`.toLowerCase();
}

/**
 * `<component>-alerts-<hash>`: the hash (of the entity ref) tells apart components of the same
 * name in different catalog namespaces, which would otherwise replace each other's rule.
 */
function ruleNameFor(o: ServiceRulesOptions): string {
  if (o.ruleName) return o.ruleName;
  const hash = createHash('sha256')
    .update(sourceEntityRef(o))
    .digest('hex')
    .slice(0, 6);
  const name = `${o.entity.metadata.name}-alerts-${hash}`;
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    fail(
      `ruleName: the component name "${o.entity.metadata.name.slice(0, 64)}" does not make a ` +
        'VMRule name (a lowercase DNS label); pass ruleName',
    );
  }
  return name;
}

/**
 * Builds the service's VMRule and the annotated entity; bad input is an `InputError`.
 *
 * @public
 */
export function buildServiceRules(
  input: ServiceRulesInput,
): ServiceRulesResult {
  const o = parseServiceRulesInput(input);
  const existing = o.entity.metadata.annotations ?? {};
  const annotationsSet = annotationsToSet(o, existing);
  const annotations = { ...existing, ...annotationsSet };
  const target = resolveTarget(annotations);

  const dashboard = checkedUrl(
    o.dashboardUrl ? 'dashboardUrl' : `entity ${ANNOTATION_DASHBOARD_URL}`,
    annotations[ANNOTATION_DASHBOARD_URL],
  );
  const runbook = checkedUrl('runbookUrl', o.runbookUrl);
  const team = teamOf(o.entity.spec?.owner);
  const own: Record<string, string> = {
    [LABELS.service]: target.service,
    severity: o.severity,
    ...(team ? { team } : {}),
  };
  const selectorLabels = alertSelectorLabels(
    annotations[ANNOTATION_ALERT_SELECTOR],
    own,
  );
  const labels = { ...own, ...selectorLabels };

  const env = environmentMatcher(o.environments);
  let expressions: ServiceAlertExpressions;
  try {
    expressions = serviceAlertExpressions({
      profile: target.profile,
      matchers: env ? [...target.matchers, env] : target.matchers,
      window: o.rateWindow,
      errorRatioThreshold: o.errorRatioThreshold,
      latencyP95ThresholdSeconds: o.latencyP95ThresholdSeconds,
    });
  } catch (e) {
    if (e instanceof InvalidMatcherError) fail(e.message);
    throw e;
  }

  const links = {
    ...(runbook ? { runbook_url: runbook } : {}),
    ...(dashboard ? { dashboard } : {}),
  };
  const rules = alertingRules(o, target, expressions, labels, links);
  const name = ruleNameFor(o);
  let slos: ServiceSlos;
  try {
    slos = parseSloAnnotations(annotations);
  } catch (e) {
    if (e instanceof InvalidSloError) fail(`entity: ${e.message}`);
    throw e;
  }
  const { severity: _severity, ...alertLabels } = labels;
  // An alert selector that pins `severity` (only to the service alerts' own) hides every alert
  // of another severity from the entity: the burn-rate alerts then carry it too.
  const pinnedSeverity = selectorLabels.severity;
  const sloGroups = serviceSloRuleGroups({
    service: target.service,
    profile: target.profile,
    matchers: env ? [...target.matchers, env] : target.matchers,
    slos,
    severities: pinnedSeverity
      ? { page: pinnedSeverity, ticket: pinnedSeverity }
      : { page: o.sloPageSeverity, ticket: o.sloTicketSeverity },
    alertLabels,
    alertAnnotations: links,
    groupName: name,
  });
  const rule = object(
    OPERATOR_API_VERSION,
    'VMRule',
    {
      name,
      namespace: o.namespace,
      // The hub's vmalert loads VMRules with its hub label, from any namespace.
      labels: { ...commonLabels({ hub: o.hubName }), [RULE_LABEL]: o.hubName },
    },
    { spec: { groups: [{ name, rules }, ...sloGroups] } },
  );
  rule.metadata.annotations = {
    [SOURCE_ENTITY_ANNOTATION]: sourceEntityRef(o),
  };

  return {
    options: o,
    target,
    rule: detach([rule])[0],
    alerts: [
      {
        alert: ERROR_RATIO_ALERT,
        value: expressions.errorRatio.value,
        expr: expressions.errorRatio.alert,
      },
      {
        alert: LATENCY_ALERT,
        value: expressions.latencyP95.value,
        expr: expressions.latencyP95.alert,
      },
    ],
    slos,
    sloGroups,
    annotationsSet,
    entity: sourceEntity(o.entity, annotations),
  };
}
