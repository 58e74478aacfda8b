import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Render the production spoke, writing to the hub\'s vmauth',
    example: stringify({
      steps: [
        {
          id: 'render-spoke',
          name: 'Render the spoke',
          action: 'monitoring:spoke:render',
          input: {
            clusterName: 'prod-eu-1',
            environment: 'production',
            hubUrl: 'https://victoria-metrics.infra.example.com',
            storageClass: 'gp3',
          },
        },
      ],
    }),
  },
  {
    description: 'Render a dev spoke with ExternalSecrets, a larger queue and a custom output folder',
    example: stringify({
      steps: [
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
      ],
    }),
  },
];
