export { buildHub } from './hub';
export type { HubResult } from './hub';
export { buildSpoke, remoteWriteUrl, REMOTE_WRITE_SECRET } from './spoke';
export type { SpokeResult } from './spoke';
export { defaultRuleGroups, RECORDED } from './rules';
export type {
  AlertingRule,
  RecordingRule,
  RuleGroup,
  RuleOptions,
} from './rules';
export {
  buildServiceRules,
  serviceRulesInputSchema,
  parseServiceRulesInput,
} from './serviceRules';
export type {
  ServiceRulesInput,
  ServiceRulesOptions,
  ServiceRulesResult,
} from './serviceRules';
export {
  hubInputSchema,
  spokeInputSchema,
  parseHubInput,
  parseSpokeInput,
} from './inputs';
export type { HubInput, HubOptions, SpokeInput, SpokeOptions } from './inputs';
export type {
  K8sObject,
  SecretKeySource,
  SecretRequirement,
  SecretStoreRef,
  SecretStrategy,
} from './types';
