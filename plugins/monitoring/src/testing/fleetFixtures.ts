import {
  FleetCell,
  FleetResponse,
  FleetRow,
  SnapshotInfo,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** A fresh snapshot, taken 12 s before the answer. */
export const snapshotInfo = (
  over: Partial<SnapshotInfo> = {},
): SnapshotInfo => ({
  takenAt: '2026-12-01T09:00:00Z',
  ageSeconds: 12,
  stale: false,
  ...over,
});

export const fleetCell = (over: Partial<FleetCell> = {}): FleetCell => ({
  health: 'ok',
  requestRate: 5,
  errorRatio: 0.001,
  latencyP95: 0.2,
  firingAlerts: 0,
  budgetRemaining: null,
  sparkline: Array.from({ length: 24 }, (_, i) => 4 + (i % 3)),
  ...over,
});

export const fleetRow = (
  name: string,
  over: Partial<FleetRow> = {},
): FleetRow => ({
  entityRef: `component:default/${name}`,
  name,
  owner: 'team-shop',
  system: 'shop',
  lifecycle: 'production',
  service: name,
  namespace: 'shop',
  health: 'ok',
  cells: { dev: fleetCell(), staging: fleetCell(), production: fleetCell() },
  ...over,
});

/**
 * payments critical in production, three healthy services, one owned by another team. Budgets:
 * payments overspent in production (-1,920 %), storefront 5 % left in staging, checkout 72 %
 * in production, inventory without objectives. One page with every row, in the backend's
 * default order (worst health first); team-shop's caller owns three.
 */
export function fleetResponse(extraRows: FleetRow[] = []): FleetResponse {
  const response: Omit<
    FleetResponse,
    'total' | 'owned' | 'systems' | 'page' | 'pageSize'
  > = {
    source: 'recording-rules',
    environments: ['dev', 'staging', 'production'],
    alerts: 'ok',
    generatedAt: '2026-12-01T09:00:00Z',
    snapshot: snapshotInfo(),
    thresholds: {
      errorRatio: { warning: 0.01, critical: 0.05 },
      latencyP95Seconds: { warning: 0.5, critical: 1 },
    },
    rows: [
      fleetRow('payments', {
        health: 'critical',
        cells: {
          dev: fleetCell(),
          staging: fleetCell(),
          production: fleetCell({
            health: 'critical',
            requestRate: 25,
            errorRatio: 0.2,
            latencyP95: 2.25,
            firingAlerts: 2,
            budgetRemaining: -19.2,
          }),
        },
      }),
      fleetRow('checkout', {
        cells: {
          dev: fleetCell({ budgetRemaining: 1 }),
          staging: fleetCell({ budgetRemaining: 0.9 }),
          production: fleetCell({ budgetRemaining: 0.72 }),
        },
      }),
      fleetRow('inventory', { owner: 'team-platform', system: 'warehouse' }),
      fleetRow('storefront', {
        cells: {
          dev: fleetCell({ health: 'no-data', requestRate: null }),
          staging: fleetCell({ budgetRemaining: 0.05 }),
          production: fleetCell({ budgetRemaining: 0.6 }),
        },
      }),
      ...extraRows,
    ],
  };
  return {
    ...response,
    total: response.rows.length,
    owned: response.rows.filter(r => r.owner === 'team-shop').length,
    systems: [
      ...new Set(response.rows.flatMap(r => (r.system ? [r.system] : []))),
    ].sort(),
    page: 0,
    pageSize: Math.max(50, response.rows.length),
  };
}
