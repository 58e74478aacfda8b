import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import path from 'node:path';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  monitoringPermissions,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertmanagerClient } from './alerts/AlertmanagerClient';
import { AlertSnapshots } from './alerts/AlertSnapshots';
import { EntityAlertsService } from './alerts/EntityAlertsService';
import { VmAlertClient } from './alerts/VmAlertClient';
import { readMonitoringConfig } from './config';
import { FleetDataSource } from './fleet/fleetData';
import { FleetService } from './fleet/FleetService';
import { ServiceClaims } from './claims/ServiceClaims';
import { UpstreamClient } from './lib/UpstreamClient';
import { EntityMetricsService } from './metrics/EntityMetricsService';
import { QueryRunner } from './metrics/QueryRunner';
import { createRouter } from './router';
import { EntitySloService } from './slo/EntitySloService';
import { ClusterResourcesReader } from './stack/ClusterResources';
import { StackService } from './stack/StackService';
import { VmSelectClient } from './vmselect/VmSelectClient';

/**
 * The `monitoring` backend plugin: a service's metrics per environment from VMSelect, its
 * alerts from vmalert and Alertmanager, silences, and its SLOs' error budgets.
 *
 * @public
 */
export const monitoringPlugin = createBackendPlugin({
  pluginId: 'monitoring',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        auth: coreServices.auth,
        logger: coreServices.logger,
        cache: coreServices.cache,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        userInfo: coreServices.userInfo,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        auth,
        logger,
        cache,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        scheduler,
        userInfo,
        catalog,
      }) {
        const monitoringConfig = readMonitoringConfig(config);
        const client = new VmSelectClient(monitoringConfig.vmselect);
        const runner = new QueryRunner(
          client,
          cache,
          monitoringConfig.vmselect.maxConcurrency,
          monitoringConfig.vmselect.maxQueued,
        );
        const metrics = new EntityMetricsService(
          monitoringConfig,
          runner,
          logger,
        );

        const vmalert = new VmAlertClient(
          new UpstreamClient('vmalert', monitoringConfig.vmalert),
        );
        const amConfig = monitoringConfig.alertmanager;
        const alertmanager = amConfig
          ? new AlertmanagerClient(new UpstreamClient('alertmanager', amConfig))
          : undefined;
        const snapshots = new AlertSnapshots(
          vmalert,
          alertmanager,
          cache,
          logger,
        );
        const alerts = new EntityAlertsService(
          snapshots,
          runner,
          monitoringConfig.environments,
          alertmanager && amConfig
            ? { client: alertmanager, config: amConfig }
            : undefined,
        );
        const slo = new EntitySloService(
          runner,
          snapshots,
          monitoringConfig.environments,
          logger,
        );

        permissionsRegistry.addPermissions(monitoringPermissions);
        // Claim rules: owners come from the app config's catalog locations and the configured ones.
        const trusted = TrustedLocations.fromConfig(config, target =>
          path.resolve(target),
        );
        const claims = new ServiceClaims(
          catalog,
          auth,
          permissions,
          cache,
          trusted,
        );
        const fleet = new FleetService({
          data: new FleetDataSource(client, monitoringConfig.fleetSource),
          alerts: snapshots,
          catalog,
          auth,
          permissions,
          userInfo,
          cache,
          scheduler,
          logger,
          environments: monitoringConfig.environments,
          thresholds: monitoringConfig.health,
          schedule: monitoringConfig.snapshots,
          trusted,
        });
        for (const c of monitoringConfig.kubernetesClusters) {
          if (c.problem)
            logger.warn(
              `monitoring: cluster ${c.name} of kubernetes.clusterLocatorMethods: ${c.problem}; the stack will not read its VictoriaMetrics resources`,
            );
        }
        const stack = new StackService({
          client,
          thresholds: monitoringConfig.stack,
          configuredClusters: monitoringConfig.clusters,
          resources: new ClusterResourcesReader(
            monitoringConfig.kubernetesClusters,
            cache,
            monitoringConfig.kubernetesTimeoutMs,
            logger,
          ),
          cache,
          scheduler,
          logger,
          schedule: monitoringConfig.snapshots,
        });
        // One replica refreshes each snapshot per cadence; every replica reads them.
        await fleet.start();
        await stack.start();
        httpRouter.use(
          await createRouter({
            httpAuth,
            permissions,
            catalog,
            metrics,
            alerts,
            slo,
            claims,
            fleet,
            stack,
            maxRequestsPerPrincipal:
              monitoringConfig.vmselect.maxRequestsPerPrincipal,
            retentionSeconds: monitoringConfig.retentionSeconds,
          }),
        );
        logger.info(
          `monitoring: querying ${client.baseUrl}; alerts from ${vmalert.upstream.baseUrl}${
            alertmanager
              ? `, silences in ${alertmanager.upstream.baseUrl}`
              : ', no Alertmanager configured'
          }`,
        );
      },
    });
  },
});
