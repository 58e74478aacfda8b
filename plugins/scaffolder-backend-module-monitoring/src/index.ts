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
export { buildHub, buildServiceRules, buildSpoke, defaultRuleGroups } from './builders';
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
export { renderBench } from './bench/renderBench';
