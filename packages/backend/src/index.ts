/*
 * The Backstage backend: catalog, scaffolder (with the Gitea and GitHub publish actions),
 * kubernetes and the monitoring plugin, with auth (guest provider for local use, an identity-aware
 * proxy in production) and the permission framework on.
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// Production sign-in through an identity-aware proxy such as oauth2-proxy in front of Backstage
// (app-config.production.yaml, docs/production.md): it trusts the proxy's X-Forwarded-* headers,
// so the backend must be reachable only through the proxy. Off unless auth.providers.oauth2Proxy
// is configured (app-config.yaml does not).
backend.add(
  import('@backstage/plugin-auth-backend-module-oauth2-proxy-provider'),
);
backend.add(import('@backstage/plugin-permission-backend'));
// The example policy: everyone may read, only an entity's owners may silence its alerts.
// Production installs replace this module with their own policy (docs/permissions.md).
backend.add(import('./permissionPolicy'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring'),
);
// publish:gitea / publish:github: the templates' optional "publish to a repository" steps,
// against the hosts in `integrations` (locally the stack's Gitea).
backend.add(import('@backstage/plugin-scaffolder-backend-module-gitea'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@hubspoke/backstage-plugin-monitoring-backend'));

backend.start();
