/**
 * Isomorphic parts of the monitoring plugins: annotations, the label contract, permissions, the
 * claim rules, PromQL selector building, the metric signals, the hub contract, the duration
 * grammar and the API types.
 *
 * @packageDocumentation
 */

export {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_CLUSTER_NAME,
  ANNOTATION_DASHBOARD_URL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_METRICS_PROFILE,
  ANNOTATION_PROMETHEUS_ALERT,
  ANNOTATION_PROMETHEUS_LABELS,
  ANNOTATION_SELECTOR,
  ANNOTATION_SERVICE_NAME,
  KUBERNETES_CLUSTER_TYPE,
  MONITORING_ANNOTATIONS,
} from './annotations';
export {
  kubePodLabelName,
  kubeStateMetricsRelabeling,
  LABELS,
  podLabelMetaName,
  podTargetRelabeling,
  SERVICE_POD_LABELS,
  spokeExternalLabels,
} from './labelContract';
export type { RelabelRule } from './labelContract';
export {
  buildSelector,
  escapeRegex,
  InvalidMatcherError,
  parseMatcherList,
  renderMatchers,
} from './promql';
export type { LabelMatcher, MatchOperator } from './promql';
export {
  hasMonitoringAnnotations,
  resolveServiceTarget,
} from './serviceSelector';
export type { ServiceTarget } from './serviceSelector';
export {
  environmentMatcher,
  isServiceAlertProfile,
  SERVICE_ALERT_PROFILES,
  SERVICE_ALERT_SIGNALS,
  serviceAlertExpressions,
  servicePanelTemplates,
} from './serviceAlerts';
export type {
  ServiceAlertExpressions,
  ServiceAlertProfile,
  ServiceAlertQueryOptions,
  ServiceAlertSignals,
  ServicePanelTemplates,
} from './serviceAlerts';
export {
  monitoringAlertsSilencePermission,
  monitoringMetricsReadPermission,
  monitoringPermissions,
  monitoringRulesWritePermission,
  monitoringStackCreatePermission,
  monitoringStackReadPermission,
  monitoringStackWritePermission,
} from './permissions';
export type {
  EntityMetricsResponse,
  EnvironmentSeries,
  PanelResult,
  PanelUnit,
} from './types';
export type {
  AlertInstance,
  AlertInterval,
  AlertmanagerStatus,
  AlertRuleStatus,
  AlertState,
  CreateSilenceRequest,
  CreateSilenceResponse,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  EntitySilence,
} from './alertTypes';
export {
  alertLabelsMatchScope,
  checkAlertName,
  hasAlertAnnotations,
  resolveAlertScope,
} from './alertScope';
export type { AlertScope } from './alertScope';
export {
  FLEET_RATE_WINDOW,
  FLEET_RECORDED,
  fleetQueries,
  fleetRecordingRules,
} from './fleetSignals';
export type { FleetQueries, FleetSource } from './fleetSignals';
export {
  FLEET_HEALTH_ORDER,
  FLEET_PAGE_SIZE,
  FLEET_SORT_KEYS,
  ownerEntityRef,
} from './fleetTypes';
export type {
  FleetCell,
  FleetFilters,
  FleetHealth,
  FleetResponse,
  FleetRow,
  FleetSortKey,
  SnapshotInfo,
} from './fleetTypes';
export {
  COMPONENT_LABEL,
  HUB_COMPONENTS,
  hubComponentJob,
  hubComponentRelabeling,
  STACK_COUNT_WINDOW,
  stackQueries,
  stackTrendQueries,
} from './stackSignals';
export type { HubComponent, StackQueries } from './stackSignals';
export { SPOKE_VERDICT_ORDER, VM_RESOURCE_PLURALS } from './stackTypes';
export type {
  ClusterResources,
  HubComponentHealth,
  SpokeHealth,
  SpokeVerdict,
  StackResponse,
  VmResourceHealth,
  VmResourceKind,
  VmResourceStatus,
} from './stackTypes';
export {
  authorizeInChunks,
  CLAIMANT_FIELDS,
  CLAIMANT_FILTER,
  claimantFilter,
  entityClaim,
  overlaps,
  refsToAuthorize,
  serviceIdentity,
  toClaimants,
  TrustedLocations,
} from './claims';
export type {
  AnnotatedEntity,
  EntityClaim,
  ServiceClaimant,
  ServiceIdentity,
} from './claims';
export {
  DEFAULT_ENVIRONMENTS,
  DEFAULT_HEALTH_THRESHOLDS,
  HUB_ENVIRONMENT,
  HUB_INSERT_PATH,
  HUB_RETENTION,
  HUB_SCRAPE_INTERVAL,
  HUB_SELECT_PATH,
  HUB_SERVICE_ALERT_THRESHOLDS,
  HUB_TENANT,
} from './hubContract';
export type { HealthLevels } from './hubContract';
export {
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY,
  ANNOTATION_SLO_LATENCY_THRESHOLD,
  ANNOTATION_SLO_PERIOD,
  budgetRemaining,
  budgetSpent,
  burnRate,
  DEFAULT_SLO_PERIOD,
  errorBudgetMinutes,
  errorBudgetRatio,
  hasSloAnnotations,
  InvalidSloError,
  parseSloAnnotations,
  parseSloPeriod,
  parseSloTarget,
  parseSloThreshold,
  SLO_ALERT_NAMES,
  SLO_ANNOTATIONS,
  SLO_BURN_RATE_ALERTS,
  SLO_GROUPING,
  SLO_KINDS,
  SLO_LABELS,
  SLO_RECORDS,
  SLO_WINDOWS,
  SLO_EXHAUSTION_WINDOW,
  sloId,
  timeToExhaustionMs,
} from './slo';
export type {
  ServiceSlos,
  SloAlertSeverity,
  SloBurnRateAlert,
  SloKind,
  SloObjective,
  SloWindow,
} from './slo';
export {
  bucketBoundarySpellings,
  fleetBudgetQuery,
  sloErrorRatioQuery,
  sloRequestRateQuery,
  sloThresholdMatcher,
} from './sloExpressions';
export type { SloQueryOptions } from './sloExpressions';
export type {
  EntitySloResponse,
  SloBurnAlert,
  SloEnvironmentStatus,
  SloObjectiveStatus,
  SloWindowBurn,
} from './sloTypes';
export {
  DURATION_UNIT_MS,
  durationPattern,
  parseDurationMs,
  parseDurationSeconds,
} from './duration';
export type { DurationGrammarOptions, DurationUnit } from './duration';
