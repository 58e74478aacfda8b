import {
  HUB_COMPONENTS,
  SpokeHealth,
  StackResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';

export function spoke(
  cluster: string,
  overrides: Partial<SpokeHealth> = {},
): SpokeHealth {
  return {
    cluster,
    environment: cluster.replace(/-cluster$/, '').replace('prod', 'production'),
    hub: false,
    verdict: 'ok',
    lagSeconds: 12,
    samplesPerSecond: 132,
    activeSeries: 1912,
    queueBytes: 0,
    droppedSamples: 0,
    remoteWriteErrors: 0,
    samplesTrend: Array.from({ length: 60 }, (_, i) => 120 + (i % 5)),
    queueTrend: Array.from({ length: 60 }, () => 0),
    ...overrides,
  };
}

/** Three healthy spokes and a hub whose components are all up. */
export function stackResponse(
  overrides: Partial<StackResponse> = {},
): StackResponse {
  return {
    generatedAt: '2026-12-01T12:00:00.000Z',
    thresholds: { laggingAfterSeconds: 45, downAfterSeconds: 180 },
    countWindow: '15m',
    clusters: [
      spoke('dev-cluster'),
      spoke('hub-cluster', {
        hub: true,
        environment: 'infra',
        samplesPerSecond: 470,
      }),
      spoke('prod-cluster'),
      spoke('staging-cluster'),
    ],
    components: HUB_COMPONENTS.map(component => ({
      component,
      cluster: 'hub-cluster',
      up: component === 'vmalert' ? 2 : 1,
      instances: component === 'vmalert' ? 2 : 1,
      status: 'up' as const,
    })),
    ...overrides,
  };
}
