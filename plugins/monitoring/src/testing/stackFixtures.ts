import {
  ClusterResources,
  HUB_COMPONENTS,
  SpokeHealth,
  StackResponse,
  VmResourceStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** An operational resource seen by the operator, two days old. */
export function vmResource(
  kind: VmResourceStatus['kind'],
  name: string,
  overrides: Partial<VmResourceStatus> = {},
): VmResourceStatus {
  return {
    kind,
    namespace: 'monitoring',
    name,
    updateStatus: 'operational',
    createdAt: '2026-11-29T12:00:00.000Z',
    ageSeconds: 2 * 86400,
    generationLag: 0,
    health: 'ok',
    ...overrides,
  };
}

/** A cluster's resources: a VMAgent and a VMAuth, both ready. */
export function clusterResources(
  overrides: Partial<ClusterResources> = {},
): ClusterResources {
  return {
    readAt: '2026-12-01T12:00:00.000Z',
    resources: [vmResource('VMAgent', 'spoke'), vmResource('VMAuth', 'spoke')],
    ...overrides,
  };
}

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
    snapshot: {
      takenAt: '2026-12-01T12:00:00.000Z',
      ageSeconds: 20,
      stale: false,
    },
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
