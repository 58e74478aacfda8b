import {
  EntityMetricsResponse,
  PanelResult,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** Panels of the summary table on the tab, in column order, with their column headings. */
export const TAB_SUMMARY_PANELS: ReadonlyArray<{ id: string; label: string }> =
  [
    { id: 'requestRate', label: 'Request rate' },
    { id: 'errorRatio', label: 'Error ratio' },
    { id: 'latencyP95', label: 'p95 latency' },
    { id: 'cpu', label: 'CPU' },
    { id: 'memory', label: 'Memory' },
  ];

/** The compact card's columns. */
export const CARD_SUMMARY_PANELS = TAB_SUMMARY_PANELS.slice(0, 3);

/** The response's environments in display order, plus any that only appear in a series. */
export function orderedEnvironments(response: EntityMetricsResponse): string[] {
  const out = [...response.environments];
  for (const panel of response.panels) {
    for (const s of panel.series) {
      if (!out.includes(s.environment)) out.push(s.environment);
    }
  }
  return out;
}

export function findPanel(
  response: EntityMetricsResponse,
  id: string,
): PanelResult | undefined {
  return response.panels.find(p => p.id === id);
}

/** The latest value of one environment on one panel, or null when it has none. */
export function latestValue(
  panel: PanelResult,
  environment: string,
): number | null {
  const series = panel.series.find(s => s.environment === environment);
  if (!series) return null;
  if (series.latest !== null && series.latest !== undefined)
    return series.latest;
  const last = series.points[series.points.length - 1];
  return last ? last[1] : null;
}

function hasPoints(panel: PanelResult, environment?: string): boolean {
  return panel.series.some(
    s =>
      (environment === undefined || s.environment === environment) &&
      s.points.length > 0,
  );
}

/** Panels whose query failed (the rest of the response is still valid). */
export function failedPanels(response: EntityMetricsResponse): PanelResult[] {
  return response.panels.filter(p => Boolean(p.error));
}

/** True when no panel failed and no panel has a single point: nothing matched the service. */
export function isEmptyResponse(response: EntityMetricsResponse): boolean {
  return (
    failedPanels(response).length === 0 &&
    !response.panels.some(p => hasPoints(p))
  );
}

/**
 * Environments with no point on any panel. Empty when every panel failed: then the failures
 * are the explanation, not the environments.
 */
export function environmentsWithoutData(
  response: EntityMetricsResponse,
): string[] {
  const working = response.panels.filter(p => !p.error);
  if (working.length === 0) return [];
  return orderedEnvironments(response).filter(
    env => !working.some(p => hasPoints(p, env)),
  );
}
