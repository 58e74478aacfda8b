import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { monitoringPermissions } from '@internal/plugin-monitoring-common';
import { readMonitoringConfig } from './config';
import { EntityMetricsService } from './service/EntityMetricsService';
import { QueryRunner } from './service/QueryRunner';
import { createRouter } from './service/router';
import { VmSelectClient } from './vmselect/VmSelectClient';

/**
 * The `monitoring` backend plugin: a service's metrics per environment from VMSelect.
 *
 * @public
 */
export const monitoringPlugin = createBackendPlugin({
  pluginId: 'monitoring',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({ config, logger, cache, httpAuth, httpRouter, permissions, permissionsRegistry, catalog }) {
        const monitoringConfig = readMonitoringConfig(config);
        const client = new VmSelectClient(monitoringConfig.vmselect);
        const runner = new QueryRunner(client, cache, monitoringConfig.vmselect.maxConcurrency);
        const metrics = new EntityMetricsService(monitoringConfig, runner, logger);
        permissionsRegistry.addPermissions(monitoringPermissions);
        httpRouter.use(await createRouter({ httpAuth, permissions, catalog, metrics }));
        logger.info(`monitoring: querying ${client.baseUrl}`);
      },
    });
  },
});
