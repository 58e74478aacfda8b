/**
 * Scaffolder actions that render the VictoriaMetrics hub and spokes from typed builders, every
 * object validated against the operator CRDs and the Kubernetes schemas.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMonitoring as default } from './module';
export { createHubRenderAction } from './actions/hubRender';
export { createSpokeRenderAction } from './actions/spokeRender';
export { createServiceRenderAction } from './actions/serviceRender';
export {
  buildHub,
  buildServiceRules,
  buildSpoke,
  defaultRuleGroups,
} from './builders';
export type {
  HubInput,
  HubResult,
  K8sObject,
  RuleGroup,
  SecretRequirement,
  ServiceRulesInput,
  ServiceRulesResult,
  SpokeInput,
  SpokeResult,
} from './builders';
export { validateObject, validateObjects } from './validation';
// The hub's contract that tooling outside the templates must match (the local stack builds its
// hub from these): retention, the hub's own environment, tenant paths and vmauth's routes.
// Public because tooling must match them; they change only with the hub's layout.
export { HUB_ENVIRONMENT, RETENTION } from './builders/defaults';
export { INSERT_PATH, SELECT_PATH } from './builders/cluster';
export { READ_PATHS, WRITE_PATHS, spokeWriteQueryArgs } from './builders/auth';
export { hubSchema, spokeSchema } from './builders/inputs';
export { serviceRulesSchema } from './builders/serviceRulesInput';
export type {
  HubOptions,
  SpokeOptions,
  ServiceRulesOptions,
  AlertingRule,
  RecordingRule,
  RuleOptions,
  SecretKeySource,
} from './builders';
export type { CatalogEntity } from './builders/serviceRulesInput';
export type { ServiceAlert } from './builders/serviceRules';
export type { ServiceRenderActionOptions } from './actions/serviceRender';
export { RenderSeal } from './apply/seal';
export type { OpenedSeal, SealLogger } from './apply/seal';
export type { SealBinding } from './apply/seal';
export { createApplyAction } from './actions/apply';
export type { ApplyActionOptions } from './actions/apply';
export { InitiatorAuthorization } from './actions/initiatorAuthorization';
