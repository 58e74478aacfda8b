import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import path from 'node:path';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { TrustedLocations } from '@hubspoke/backstage-plugin-monitoring-common';
import { InitiatorAuthorization } from './actions/initiatorAuthorization';
import { createApplyAction } from './actions/apply';
import { createGiteaPullRequestAction } from './actions/giteaPullRequest';
import { RenderSeal } from './apply/seal';
import { createHubRenderAction } from './actions/hubRender';
import { createServiceRenderAction } from './actions/serviceRender';
import { createSpokeRenderAction } from './actions/spokeRender';

/**
 * Scaffolder module adding the monitoring actions (`monitoring:hub:render`,
 * `monitoring:spoke:render`, `monitoring:service:render`, `monitoring:apply`,
 * `monitoring:gitea:pull-request`). The apply action reaches clusters through the
 * `kubernetes.clusterLocatorMethods` config the Kubernetes plugin already uses; the pull request
 * action reaches Gitea through `integrations.gitea`.
 *
 * @public
 */
export const scaffolderModuleMonitoring = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'monitoring',
  register({ registerInit }) {
    registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        config: coreServices.rootConfig,
        urlReader: coreServices.urlReader,
        logger: coreServices.logger,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        catalog: catalogServiceRef,
      },
      async init({
        scaffolder,
        config,
        urlReader,
        logger,
        auth,
        permissions,
        catalog,
      }) {
        // What the render actions write is sealed with it; apply applies nothing else.
        const seal = RenderSeal.fromConfig(config, logger);
        // Every action decides for the task's initiator (the claim rules as the backend's).
        const authorization = new InitiatorAuthorization({
          catalog,
          permissions,
          auth,
          trusted: TrustedLocations.fromConfig(config, target =>
            path.resolve(target),
          ),
        });
        const integrations = ScmIntegrations.fromConfig(config);
        scaffolder.addActions(
          createHubRenderAction({ authorization, seal }),
          createSpokeRenderAction({ authorization, seal }),
          createServiceRenderAction({
            authorization,
            urlReader,
            seal,
            integrations,
          }),
          createApplyAction({ config, authorization, seal }),
          createGiteaPullRequestAction({ integrations, config }),
        );
      },
    });
  },
});
