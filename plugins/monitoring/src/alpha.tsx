/**
 * The monitoring plugin for Backstage's new frontend system: install the package and the app
 * discovers the Monitoring tab, the entity cards, the fleet page (with its sidebar entry) and the
 * API. The legacy exports of the package's root stay for apps on the old system.
 *
 * @packageDocumentation
 */
import {
  compatWrapper,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import MonitoringIcon from '@material-ui/icons/Timeline';
import { MonitoringClient, monitoringApiRef } from './api';
import {
  isMonitoringAlertsAvailable,
  isMonitoringAvailable,
  isMonitoringClusterAvailable,
} from './utils/isMonitoringAvailable';
import { fleetRouteRef, rootRouteRef } from './routes';

// The legacy route refs, converted once, so both systems link to the same tab and page.
const routes = convertLegacyRouteRefs({
  entityContent: rootRouteRef,
  fleet: fleetRouteRef,
});

/**
 * The monitoring API, a client of the `monitoring` backend on the discovery and fetch APIs.
 *
 * @alpha
 */
export const monitoringApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: monitoringApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new MonitoringClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The entity page's "Monitoring" tab, on entities with a monitoring annotation.
 *
 * @alpha
 */
export const monitoringEntityContent = EntityContentBlueprint.make({
  params: {
    path: 'monitoring',
    title: 'Monitoring',
    group: 'observability',
    routeRef: routes.entityContent,
    filter: isMonitoringAvailable,
    loader: () =>
      import('./components/EntityMonitoringContent').then(m =>
        compatWrapper(<m.EntityMonitoringContent />),
      ),
  },
});

/**
 * Overview card: latest request rate, error ratio and p95 per environment.
 *
 * @alpha
 */
export const monitoringMetricsEntityCard = EntityCardBlueprint.make({
  name: 'metrics',
  params: {
    filter: isMonitoringAvailable,
    loader: () =>
      import('./components/EntityMonitoringMetricsCard').then(m =>
        compatWrapper(<m.EntityMonitoringMetricsCard />),
      ),
  },
});

/**
 * Overview card: the alerts firing for the entity, per environment.
 *
 * @alpha
 */
export const monitoringAlertsEntityCard = EntityCardBlueprint.make({
  name: 'alerts',
  params: {
    filter: isMonitoringAlertsAvailable,
    loader: () =>
      import('./components/EntityMonitoringAlertsCard').then(m =>
        compatWrapper(<m.EntityMonitoringAlertsCard />),
      ),
  },
});

/**
 * Overview card: the service level objectives and their error budgets per environment.
 *
 * @alpha
 */
export const monitoringSloEntityCard = EntityCardBlueprint.make({
  name: 'slo',
  params: {
    filter: isMonitoringAvailable,
    loader: () =>
      import('./components/EntityMonitoringSloCard').then(m =>
        compatWrapper(<m.EntityMonitoringSloCard />),
      ),
  },
});

/**
 * On `kubernetes-cluster` Resources: the stack's health as that cluster reports it.
 *
 * @alpha
 */
export const monitoringClusterEntityCard = EntityCardBlueprint.make({
  name: 'cluster',
  params: {
    filter: isMonitoringClusterAvailable,
    loader: () =>
      import('./components/EntityMonitoringClusterCard').then(m =>
        compatWrapper(<m.EntityMonitoringClusterCard />),
      ),
  },
});

/**
 * The catalog-wide fleet page at `/monitoring`; its title and icon make the sidebar entry.
 *
 * @alpha
 */
export const monitoringFleetPage = PageBlueprint.make({
  params: {
    path: '/monitoring',
    title: 'Monitoring',
    icon: <MonitoringIcon fontSize="inherit" />,
    routeRef: routes.fleet,
    loader: () =>
      import('./components/MonitoringFleetPage').then(m =>
        compatWrapper(<m.MonitoringFleetPage />),
      ),
  },
});

/**
 * The monitoring plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'monitoring',
  info: { packageJson: () => import('../package.json') },
  routes,
  extensions: [
    monitoringApi,
    monitoringEntityContent,
    monitoringMetricsEntityCard,
    monitoringAlertsEntityCard,
    monitoringSloEntityCard,
    monitoringClusterEntityCard,
    monitoringFleetPage,
  ],
});
