/**
 * Links from a panel to the same query in vmui and in Grafana's Explore, for the queried range.
 * Both take the query in the URL fragment or query string, encoded here; nothing is fetched.
 */
export interface DeepLinkRange {
  /** Unix seconds */
  start: number;
  end: number;
  stepSeconds: number;
}

/** vmui's own URL state: `#/?g0.expr=...&g0.range_input=...&g0.end_input=...`. */
export function vmuiLink(
  vmuiUrl: string,
  query: string,
  range: DeepLinkRange,
): string {
  const params = new URLSearchParams({
    'g0.expr': query,
    'g0.range_input': `${Math.round(range.end - range.start)}s`,
    'g0.end_input': new Date(range.end * 1000)
      .toISOString()
      .replace(/\.\d{3}Z$/, ''),
    'g0.step_input': `${range.stepSeconds}s`,
    'g0.relative_time': 'none',
    'g0.tab': '0',
  });
  return `${vmuiUrl.replace(/\/+$/, '')}/#/?${params}`;
}

/** Grafana Explore with one Prometheus-type query over the range (the default data source). */
export function grafanaExploreLink(
  grafanaUrl: string,
  query: string,
  range: DeepLinkRange,
): string {
  const left = {
    range: { from: String(range.start * 1000), to: String(range.end * 1000) },
    queries: [{ refId: 'A', expr: query, range: true }],
  };
  return `${grafanaUrl.replace(/\/+$/, '')}/explore?orgId=1&left=${encodeURIComponent(JSON.stringify(left))}`;
}
