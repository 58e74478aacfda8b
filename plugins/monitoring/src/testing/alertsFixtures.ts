import {
  AlertInstance,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';

const NOW = Date.parse('2026-12-01T09:00:00Z');

export function instance(over: Partial<AlertInstance> = {}): AlertInstance {
  return {
    state: 'firing',
    environment: 'production',
    cluster: 'prod-cluster',
    value: 0.2,
    activeAt: new Date(Date.now() - 12 * 60_000).toISOString(),
    labels: {
      alertname: 'ServiceHighErrorRatio',
      service: 'payments',
      environment: 'production',
    },
    summary: 'payments in production answers 20% of requests with 5xx',
    runbookUrl: 'https://runbooks.example.com/monitoring/ServiceHighErrorRatio',
    alertmanager: { state: 'active', silencedBy: [], inhibitedBy: [] },
    ...over,
  };
}

/** payments: both service alerts firing in production. */
export function firingResponse(
  over: Partial<EntityAlertsResponse> = {},
): EntityAlertsResponse {
  return {
    entityRef: 'component:default/payments',
    service: 'payments',
    environments: ['dev', 'staging', 'production'],
    rules: [
      {
        id: '1',
        name: 'ServiceHighErrorRatio',
        group: 'service-slo',
        severity: 'critical',
        state: 'firing',
        summary: 'payments in production answers 20% of requests with 5xx',
        runbookUrl:
          'https://runbooks.example.com/monitoring/ServiceHighErrorRatio',
        query: 'x > 0.05',
        instances: [instance()],
        inactiveEnvironments: ['dev', 'staging'],
      },
      {
        id: '2',
        name: 'ServiceHighLatencyP95',
        group: 'service-slo',
        severity: 'warning',
        state: 'firing',
        summary: 'payments in production has a p95 latency of 2.25s',
        runbookUrl:
          'https://runbooks.example.com/monitoring/ServiceHighLatencyP95',
        query: 'y > 0.5',
        instances: [
          instance({
            value: 2.25,
            labels: { alertname: 'ServiceHighLatencyP95', service: 'payments' },
            summary: 'payments in production has a p95 latency of 2.25s',
            runbookUrl:
              'https://runbooks.example.com/monitoring/ServiceHighLatencyP95',
          }),
        ],
        inactiveEnvironments: ['dev', 'staging'],
      },
    ],
    counts: { firing: 2, pending: 0, inactive: 0 },
    alertmanager: 'ok',
    silences: [],
    fetchedAt: new Date(NOW).toISOString(),
    ...over,
  };
}

/** checkout: the same rules, nothing active. */
export function quietResponse(): EntityAlertsResponse {
  const r = firingResponse({
    entityRef: 'component:default/checkout',
    service: 'checkout',
  });
  return {
    ...r,
    rules: r.rules.map(rule => ({
      ...rule,
      state: 'inactive',
      instances: [],
      inactiveEnvironments: r.environments,
    })),
    counts: { firing: 0, pending: 0, inactive: 2 },
  };
}

export function noRulesResponse(): EntityAlertsResponse {
  return {
    ...firingResponse({ service: 'checkout' }),
    rules: [],
    counts: { firing: 0, pending: 0, inactive: 0 },
  };
}

export function historyResponse(): EntityAlertHistoryResponse {
  const to = Date.now();
  return {
    entityRef: 'component:default/payments',
    from: new Date(to - 24 * 3600_000).toISOString(),
    to: new Date(to).toISOString(),
    stepSeconds: 60,
    alerts: [
      {
        alertname: 'ServiceHighErrorRatio',
        environment: 'production',
        cluster: 'prod-cluster',
        intervals: [
          {
            state: 'pending',
            start: to - 3 * 3600_000,
            end: to - 3 * 3600_000 + 60_000,
          },
          { state: 'firing', start: to - 3 * 3600_000 + 60_000, end: to },
        ],
      },
    ],
  };
}
