import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './exampleStep';

export const examples: TemplateExample[] = [
  oneStepExample("Render the production spoke, writing to the hub's vmauth", {
    id: 'render-spoke',
    name: 'Render the spoke',
    action: 'monitoring:spoke:render',
    input: {
      clusterName: 'prod-eu-1',
      environment: 'production',
      hubUrl: 'https://victoria-metrics.infra.example.com',
      storageClass: 'gp3',
    },
  }),
  oneStepExample(
    'Render a dev spoke with ExternalSecrets, a larger queue and a custom output folder',
    {
      id: 'render-spoke',
      name: 'Render the spoke',
      action: 'monitoring:spoke:render',
      input: {
        clusterName: 'dev',
        environment: 'dev',
        hubUrl: 'https://victoria-metrics.infra.example.com',
        namespace: 'monitoring',
        hubName: 'hub',
        hubNamespace: 'monitoring',
        storageClass: 'standard',
        queueSize: '20Gi',
        scrapeInterval: '60s',
        secretStrategy: 'external-secrets',
        secretStore: { name: 'vault', kind: 'ClusterSecretStore' },
        outputPath: 'manifests/spokes/dev',
      },
    },
  ),
];
