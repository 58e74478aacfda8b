/**
 * Typed builders of the VictoriaMetrics hub, spoke and service-rule manifests, and the
 * validation of every rendered object against the operator CRDs and the Kubernetes schemas.
 *
 * @packageDocumentation
 */

// The builders and their inputs.
export { buildHub } from './builders/hub';
export type { HubResult } from './builders/hub';
export { buildSpoke } from './builders/spoke';
export type { SpokeResult } from './builders/spoke';
export {
  buildServiceRules,
  ERROR_RATIO_ALERT,
  LATENCY_ALERT,
  SOURCE_ENTITY_ANNOTATION,
} from './builders/serviceRules';
export type { ServiceAlert, ServiceRulesResult } from './builders/serviceRules';
export { defaultRuleGroups } from './builders/rules';
export { serviceSloRuleGroups, sloGroupNames } from './builders/sloRules';
export type { ServiceSloRulesOptions } from './builders/sloRules';
export type {
  AlertingRule,
  RecordingRule,
  RuleGroup,
  RuleOptions,
} from './builders/rules';
export {
  hubInputSchema,
  hubSchema,
  spokeInputSchema,
  spokeSchema,
} from './builders/inputs';
export type {
  HubInput,
  HubOptions,
  SpokeInput,
  SpokeOptions,
} from './builders/inputs';
export {
  parseServiceRenderInput,
  serviceRenderInputSchema,
  serviceRulesSchema,
} from './builders/serviceRulesInput';
export type {
  CatalogEntity,
  ServiceRulesInput,
  ServiceRulesOptions,
} from './builders/serviceRulesInput';
export {
  descriptorLocation,
  githubDescriptorLocation,
  mergeAnnotationsIntoDescriptor,
} from './builders/descriptor';
export type {
  DescriptorLocation,
  EntityName,
  GiteaHost,
} from './builders/descriptor';
export type {
  K8sObject,
  SecretKeySource,
  SecretRequirement,
} from './builders/types';

// The hub's contract that tooling outside the templates must match (the local stack builds its
// hub from these): retention, the hub's own environment, namespace, tenant paths and vmauth's
// routes. They change only with the hub's layout.
export { HUB_ENVIRONMENT, NAMESPACE, RETENTION } from './builders/defaults';
export { INSERT_PATH, SELECT_PATH } from './builders/cluster';
export { READ_PATHS, WRITE_PATHS, spokeWriteQueryArgs } from './builders/auth';
export { toOperatorRelabel } from './builders/relabel';
export type { OperatorRelabelRule } from './builders/relabel';

// What the applier rebuilds to compare against (the only cluster-scoped RBAC the builders make).
export { APPLY_FIELD_MANAGER, commonLabels } from './builders/common';
export { KUBE_STATE_METRICS, kubeStateMetrics } from './builders/exporters';
export type { ExporterContext } from './builders/exporters';

// Validation.
export { validateObject, validateObjects } from './validation/validateObjects';
export { objectRef } from './validation/errors';
export { OPERATOR_API_VERSION } from './validation/crdSchemas';
export { EXTERNAL_SECRETS_API_VERSION } from './validation/externalSecret';
