import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { oneStepExample } from './exampleStep';

export const examples: TemplateExample[] = [
  oneStepExample(
    "Apply the rendered hub to the infra cluster and wait up to 10 minutes for it to come up. The generated passwords (Grafana admin, the vmauth readers) are created as Secrets; the values only the operator has come from the template's secrets",
    {
      id: 'apply-hub',
      name: 'Apply the monitoring hub',
      action: 'monitoring:apply',
      input: {
        path: 'hub',
        cluster: 'infra',
        secretValues: [
          {
            secret: 'monitoring/hub-grafana-database',
            values: {
              host: '${{ parameters.databaseHost }}',
              database: 'grafana',
              user: 'grafana',
              password: '${{ secrets.grafanaDatabasePassword }}',
            },
          },
          {
            secret: 'monitoring/hub-alertmanager',
            values: {
              'alertmanager.yaml': '${{ secrets.alertmanagerConfig }}',
            },
          },
        ],
      },
    },
  ),
  oneStepExample(
    'Apply a rendered spoke and admit it on the hub in one step: hub-side/ (its VMUser) goes to the infra cluster first, and one generated remote-write password is stored on both sides',
    {
      id: 'apply-spoke',
      name: 'Apply the spoke and admit it on the hub',
      action: 'monitoring:apply',
      input: {
        path: 'spokes/prod-eu-1',
        cluster: 'prod-eu-1',
        hubCluster: 'infra',
        waitTimeout: '20m',
      },
    },
  ),
  oneStepExample(
    'Re-apply the spoke with its own field manager, taking over fields from earlier kubectl applies, leaving its Secrets as they are in the clusters',
    {
      id: 'reapply-spoke',
      name: 'Re-apply the spoke',
      action: 'monitoring:apply',
      input: {
        path: 'spokes/prod-eu-1',
        cluster: 'prod-eu-1',
        hubCluster: 'infra',
        fieldManager: 'backstage-monitoring-spoke',
        force: true,
        createSecrets: false,
      },
    },
  ),
];
