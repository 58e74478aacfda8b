/**
 * Scaffolder actions that render the VictoriaMetrics hub, spokes and service rules (with the
 * builders of `@hubspoke/backstage-plugin-monitoring-manifests`, every object validated against
 * the operator CRDs and the Kubernetes schemas), apply them to a cluster, and open a pull request
 * on a Gitea repository.
 *
 * @packageDocumentation
 */
export { scaffolderModuleMonitoring as default } from './module';
export { createHubRenderAction } from './actions/hubRender';
export { createSpokeRenderAction } from './actions/spokeRender';
export { createServiceRenderAction } from './actions/serviceRender';
export type { ServiceRenderActionOptions } from './actions/serviceRender';
export { createApplyAction } from './actions/apply';
export type { ApplyActionOptions } from './actions/apply';
export { createGiteaPullRequestAction } from './actions/giteaPullRequest';
export type {
  GiteaPullRequestActionOptions,
  GitHelpers,
} from './actions/giteaPullRequest';
export { InitiatorAuthorization } from './actions/initiatorAuthorization';
export { RenderSeal } from './apply/seal';
export type { OpenedSeal, SealBinding, SealLogger } from './apply/seal';
