import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Render a hub with the seed defaults (2x vminsert/vmselect/vmstorage, 15d retention, 100Gi per vmstorage)',
    example: stringify({
      steps: [
        {
          id: 'render-hub',
          name: 'Render the monitoring hub',
          action: 'monitoring:hub:render',
          input: {
            name: 'hub',
            storageClass: 'gp3',
            sharedStorageClass: 'efs',
            grafanaDomain: 'grafana.infra.example.com',
          },
        },
      ],
    }),
  },
  {
    description: 'Render a larger hub with 30 days of retention, ExternalSecrets and its own output folder',
    example: stringify({
      steps: [
        {
          id: 'render-hub',
          name: 'Render the monitoring hub',
          action: 'monitoring:hub:render',
          input: {
            name: 'observability',
            namespace: 'observability',
            storageClass: 'gp3',
            sharedStorageClass: 'efs',
            grafanaDomain: 'grafana.example.com',
            retention: '30d',
            storageSize: '500Gi',
            replicas: { vminsert: 4, vmselect: 4, vmstorage: 4 },
            secretStrategy: 'external-secrets',
            secretStore: { name: 'aws-secrets-manager', kind: 'ClusterSecretStore' },
            remoteKeyPrefix: 'infra/monitoring',
            outputPath: 'manifests/hub',
          },
        },
      ],
    }),
  },
];
