import {
  EntityMetricsResponse,
  EnvironmentSeries,
  PanelResult,
  PanelUnit,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** 2025-01-01T11:00:00Z */
export const FIXTURE_TO = Date.UTC(2025, 0, 1, 11, 0, 0);
export const FIXTURE_FROM = FIXTURE_TO - 60 * 60_000;

function series(environment: string, values: number[]): EnvironmentSeries {
  const step = (FIXTURE_TO - FIXTURE_FROM) / Math.max(1, values.length - 1);
  return {
    environment,
    points: values.map(
      (v, i) => [FIXTURE_FROM + i * step, v] as [number, number],
    ),
    latest: values.length ? values[values.length - 1] : null,
  };
}

function panel(
  id: string,
  title: string,
  unit: PanelUnit,
  dev: number[],
  production: number[],
): PanelResult {
  // staging is configured but has no series at all: "no data from staging".
  return {
    id,
    title,
    unit,
    series: [series('dev', dev), series('production', production)],
  };
}

/** A full http-profile response: dev and production have data, staging has none. */
export function fullResponse(
  overrides: Partial<EntityMetricsResponse> = {},
): EntityMetricsResponse {
  return {
    entityRef: 'component:default/checkout',
    service: 'checkout',
    profile: 'http',
    from: new Date(FIXTURE_FROM).toISOString(),
    to: new Date(FIXTURE_TO).toISOString(),
    stepSeconds: 15,
    environments: ['dev', 'staging', 'production'],
    panels: [
      panel(
        'requestRate',
        'Request rate',
        'reqps',
        [1, 2, 3.5],
        [100, 110, 123.4],
      ),
      panel(
        'errorRatio',
        'Error ratio',
        'ratio',
        [0, 0.01, 0.012],
        [0.1, 0.15, 0.2],
      ),
      panel('latencyP50', 'Latency p50', 'seconds', [0.02, 0.03], [0.05, 0.06]),
      panel('latencyP95', 'Latency p95', 'seconds', [0.1, 0.2], [0.5, 0.612]),
      panel('latencyP99', 'Latency p99', 'seconds', [0.3, 0.4], [1.2, 1.5]),
      panel('cpu', 'CPU', 'cores', [0.1, 0.12], [0.2, 0.25]),
      panel(
        'memory',
        'Memory',
        'bytes',
        [128 * 2 ** 20, 130 * 2 ** 20],
        [300 * 2 ** 20, 312 * 2 ** 20],
      ),
    ],
    ...overrides,
  };
}

/** The same panels with no series at all: nothing matched the service. */
export function emptyResponse(): EntityMetricsResponse {
  const full = fullResponse();
  return { ...full, panels: full.panels.map(p => ({ ...p, series: [] })) };
}

/** The full response with one panel's query failed. */
export function partialResponse(
  panelId: string,
  error: string,
): EntityMetricsResponse {
  const full = fullResponse();
  return {
    ...full,
    panels: full.panels.map(p =>
      p.id === panelId ? { ...p, series: [], error } : p,
    ),
  };
}
