import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createApplyAction } from './actions/apply';
import { RenderSeal } from './apply/seal';
import { createHubRenderAction } from './actions/hubRender';
import { createServiceRenderAction } from './actions/serviceRender';
import { createSpokeRenderAction } from './actions/spokeRender';

/**
 * Scaffolder module adding the monitoring actions (`monitoring:hub:render`,
 * `monitoring:spoke:render`, `monitoring:service:render`, `monitoring:apply`). The apply action
 * reaches clusters through the `kubernetes.clusterLocatorMethods` config the Kubernetes plugin
 * already uses.
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
      },
      async init({ scaffolder, config, urlReader, logger }) {
        // What the render actions write is sealed with it; apply applies nothing else.
        const seal = RenderSeal.fromConfig(config, logger);
        scaffolder.addActions(
          createHubRenderAction({ seal }),
          createSpokeRenderAction({ seal }),
          createServiceRenderAction({ urlReader, seal }),
          createApplyAction({ config, seal }),
        );
      },
    });
  },
});
