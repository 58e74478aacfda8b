import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Apply the rendered hub to the infra cluster and wait up to 10 minutes for it to come up',
    example: stringify({
      steps: [
        {
          id: 'apply-hub',
          name: 'Apply the monitoring hub',
          action: 'monitoring:apply',
          input: {
            path: 'hub',
            cluster: 'infra',
          },
        },
      ],
    }),
  },
  {
    description: 'Apply a rendered spoke with its own field manager, taking over fields from earlier kubectl applies, with a 20 minute readiness wait',
    example: stringify({
      steps: [
        {
          id: 'apply-spoke',
          name: 'Apply the spoke',
          action: 'monitoring:apply',
          input: {
            path: 'spokes/prod-eu-1',
            cluster: 'prod-eu-1',
            fieldManager: 'backstage-monitoring-spoke',
            waitTimeout: '20m',
            force: true,
          },
        },
      ],
    }),
  },
  {
    description: 'Apply the hub-side objects that admit a spoke (its VMUser and Secret in hub-side/) to the hub cluster',
    example: stringify({
      steps: [
        {
          id: 'admit-spoke',
          name: 'Admit the spoke on the hub',
          action: 'monitoring:apply',
          input: {
            path: 'spokes/prod-eu-1/hub-side',
            cluster: 'infra',
            waitTimeout: '5m',
          },
        },
      ],
    }),
  },
];
