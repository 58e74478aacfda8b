// A minimal backend wired as the packages' READMEs say: the monitoring backend plugin and the
// scaffolder module, next to the catalog, kubernetes (for the Kubernetes tab), auth (guest, for
// loopback) and permissions.
import { createBackend } from '@backstage/backend-defaults';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';

// What @backstage/plugin-permission-backend-module-allow-all-policy does (create-app's default),
// written out because the registry here does not serve that module.
const allowAllPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'allow-all-policy',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          handle: async () => ({ result: AuthorizeResult.ALLOW }),
        });
      },
    });
  },
});

const backend = createBackend();
backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(allowAllPolicy);
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(
  import('@hubspoke/backstage-plugin-scaffolder-backend-module-monitoring'),
);
backend.add(import('@backstage/plugin-kubernetes-backend'));
backend.add(import('@hubspoke/backstage-plugin-monitoring-backend'));
backend.start();
