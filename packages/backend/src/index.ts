/*
 * The Backstage backend: catalog, scaffolder, kubernetes and the monitoring plugin, with auth
 * (guest provider for local use) and the permission framework on.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
// Local development policy. Production installs replace this module with their own policy,
// which can grant or deny `monitoring.metrics.read` per catalog entity.
backend.add(import('@backstage/plugin-permission-backend-module-allow-all-policy'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@internal/plugin-scaffolder-backend-module-monitoring'));
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@internal/plugin-monitoring-backend'));

backend.start();
