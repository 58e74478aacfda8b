import { createBackendModule } from '@backstage/backend-plugin-api';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createHubRenderAction } from './actions/hubRender';
import { createSpokeRenderAction } from './actions/spokeRender';

/**
 * Scaffolder module adding the monitoring actions (`monitoring:hub:render`,
 * `monitoring:spoke:render`).
 *
 * @public
 */
export const scaffolderModuleMonitoring = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'monitoring',
  register({ registerInit }) {
    registerInit({
      deps: { scaffolder: scaffolderActionsExtensionPoint },
      async init({ scaffolder }) {
        scaffolder.addActions(createHubRenderAction(), createSpokeRenderAction());
      },
    });
  },
});
