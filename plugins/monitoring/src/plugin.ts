import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { MonitoringClient, monitoringApiRef } from './api';
import { fleetRouteRef, rootRouteRef } from './routes';
import type { EntityMonitoringAlertsCardProps } from './components/EntityMonitoringAlertsCard';
import type { EntityMonitoringClusterCardProps } from './components/EntityMonitoringClusterCard';
import type { EntityMonitoringMetricsCardProps } from './components/EntityMonitoringMetricsCard';
import type { EntityMonitoringSloCardProps } from './components/EntityMonitoringSloCard';

/** @public */
export const monitoringPlugin = createPlugin({
  id: 'monitoring',
  apis: [
    createApiFactory({
      api: monitoringApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MonitoringClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    entityContent: rootRouteRef,
    fleet: fleetRouteRef,
  },
});

/**
 * The entity page "Monitoring" tab.
 *
 * @public
 */
export const EntityMonitoringContent: () => JSX.Element =
  monitoringPlugin.provide(
    createRoutableExtension({
      name: 'EntityMonitoringContent',
      component: () =>
        import('./components/EntityMonitoringContent').then(
          m => m.EntityMonitoringContent,
        ),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * Overview card: latest request rate, error ratio and p95 per environment.
 *
 * @public
 */
export const EntityMonitoringMetricsCard: (
  props: EntityMonitoringMetricsCardProps,
) => JSX.Element = monitoringPlugin.provide(
  createComponentExtension({
    name: 'EntityMonitoringMetricsCard',
    component: {
      lazy: () =>
        import('./components/EntityMonitoringMetricsCard').then(
          m => m.EntityMonitoringMetricsCard,
        ),
    },
  }),
);

/**
 * Overview card: the entity's alert rules by state; the firing and pending ones with their
 * environments, since when, and runbook links.
 *
 * @public
 */
export const EntityMonitoringAlertsCard: (
  props: EntityMonitoringAlertsCardProps,
) => JSX.Element = monitoringPlugin.provide(
  createComponentExtension({
    name: 'EntityMonitoringAlertsCard',
    component: {
      lazy: () =>
        import('./components/EntityMonitoringAlertsCard').then(
          m => m.EntityMonitoringAlertsCard,
        ),
    },
  }),
);

/**
 * Overview card: the service level objectives per environment, with the error budget left, the
 * SLI, when the budget runs out and the burn-rate alerts.
 *
 * @public
 */
export const EntityMonitoringSloCard: (
  props: EntityMonitoringSloCardProps,
) => JSX.Element = monitoringPlugin.provide(
  createComponentExtension({
    name: 'EntityMonitoringSloCard',
    component: {
      lazy: () =>
        import('./components/EntityMonitoringSloCard').then(
          m => m.EntityMonitoringSloCard,
        ),
    },
  }),
);

/**
 * For `kubernetes-cluster` Resources: the stack's health as that cluster's vmagent reports it,
 * and on the hub its components.
 *
 * @public
 */
export const EntityMonitoringClusterCard: (
  props: EntityMonitoringClusterCardProps,
) => JSX.Element = monitoringPlugin.provide(
  createComponentExtension({
    name: 'EntityMonitoringClusterCard',
    component: {
      lazy: () =>
        import('./components/EntityMonitoringClusterCard').then(
          m => m.EntityMonitoringClusterCard,
        ),
    },
  }),
);

/**
 * The catalog-wide page: every monitored service x environment, worst health first.
 *
 * @public
 */
export const MonitoringFleetPage: () => JSX.Element = monitoringPlugin.provide(
  createRoutableExtension({
    name: 'MonitoringFleetPage',
    component: () =>
      import('./components/MonitoringFleetPage').then(
        m => m.MonitoringFleetPage,
      ),
    mountPoint: fleetRouteRef,
  }),
);
