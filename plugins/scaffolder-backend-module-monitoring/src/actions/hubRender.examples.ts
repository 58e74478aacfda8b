import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './exampleStep';

export const examples: TemplateExample[] = [
  oneStepExample(
    'Render a hub with the architecture defaults (2x vminsert/vmselect/vmstorage, 15d retention, 100Gi per vmstorage)',
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
  ),
  oneStepExample(
    'Render a larger hub with 30 days of retention, ExternalSecrets and its own output folder',
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
        secretStore: {
          name: 'aws-secrets-manager',
          kind: 'ClusterSecretStore',
        },
        remoteKeyPrefix: 'infra/monitoring',
        outputPath: 'manifests/hub',
      },
    },
  ),
];
