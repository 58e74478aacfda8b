// A minimal app on Backstage's new frontend system, wired as the monitoring plugin's README says:
// the plugin's /alpha export brings the Monitoring tab, the entity cards, the fleet page and its
// API; nothing else of the suite is imported. Backstage's Kubernetes plugin (/alpha) adds its tab
// beside Monitoring, as an adopter's app would have it.
import '@backstage/cli/asset-types';
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import { SignInPage } from '@backstage/core-components';
import { createApp } from '@backstage/frontend-defaults';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import kubernetesPlugin from '@backstage/plugin-kubernetes/alpha';
import monitoringPlugin from '@hubspoke/backstage-plugin-monitoring/alpha';

// Guest sign-in, for this loopback-only test app.
const signInPage = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => props => (
          <SignInPage {...props} providers={['guest']} />
        ),
      },
    }),
  ],
});

const app = createApp({
  features: [catalogPlugin, monitoringPlugin, kubernetesPlugin, signInPage],
});

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
