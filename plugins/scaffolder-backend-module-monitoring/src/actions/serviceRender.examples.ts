import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { stringify } from 'yaml';

/** monitoring:service:render -> catalog:write, as a template runs them. */
function chain(entityRef: string, input: Record<string, unknown>) {
  return stringify({
    steps: [
      {
        id: 'render',
        name: 'Render the service alerts',
        action: 'monitoring:service:render',
        // The component is read from the catalog as the task's initiator, by its ref.
        input: { entityRef, ...input },
      },
      {
        id: 'catalog',
        name: 'Write the annotated component',
        action: 'catalog:write',
        input: {
          filePath: 'catalog-info.yaml',
          entity: '${{ steps.render.output.entity }}',
        },
      },
    ],
  });
}

export const examples: TemplateExample[] = [
  {
    description:
      'Alert on a component that already has backstage.io/kubernetes-id, with the defaults (more than 5% errors for 5m, p95 above 0.5 s for 10m, every environment)',
    example: chain('component:default/payments', {}),
  },
  {
    description:
      'Page on production only, with tighter thresholds, a runbook and a Grafana dashboard (also written to monitoring/dashboard-url)',
    example: chain('component:default/checkout', {
      environments: ['production'],
      errorRatioThreshold: 0.01,
      errorRatioFor: '10m',
      latencyP95ThresholdSeconds: 0.3,
      latencyFor: '15m',
      severity: 'critical',
      runbookUrl: 'https://runbooks.example.com/shop/checkout',
      dashboardUrl: 'https://grafana.example.com/d/checkout/checkout',
      namespace: 'observability',
      hubName: 'observability',
    }),
  },
  {
    description:
      'A gRPC service: set monitoring/metrics-profile to grpc and an alert selector whose k=v matchers label the alerts',
    example: chain('component:default/inventory', {
      profile: 'grpc',
      alertSelector: 'tier=backend',
      ruleName: 'inventory-grpc-alerts',
      outputPath: 'monitoring/inventory',
    }),
  },
  {
    description:
      'A component without monitoring annotations: its name becomes backstage.io/kubernetes-id (what the monitor-a-service template passes)',
    example: chain('component:default/shop-docs', {
      defaultKubernetesId: 'shop-docs',
    }),
  },
  {
    description:
      'Set service level objectives: 99.9% of requests without a server error and 99% faster than 500 ms over 30 days; the VMRule gets the SLI recording rules (Sloth names) and the page and ticket burn-rate alerts',
    example: chain('component:default/storefront', {
      sloAvailability: '99.9',
      sloLatency: '99',
      sloLatencyThreshold: '500ms',
      sloPeriod: '30d',
      sloPageSeverity: 'critical',
      sloTicketSeverity: 'warning',
    }),
  },
];
