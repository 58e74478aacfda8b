/**
 * Units the frontend knows how to format.
 *
 * @public
 */
export type PanelUnit =
  'reqps' | 'ratio' | 'seconds' | 'cores' | 'bytes' | 'none';

/**
 * One environment's line on a panel. Points are `[unix milliseconds, value]`.
 *
 * @public
 */
export interface EnvironmentSeries {
  environment: string;
  points: Array<[number, number]>;
  /** The last point's value, or null when the series has no point. */
  latest: number | null;
}

/**
 * One chart of a profile, e.g. request rate, with a line per environment.
 *
 * @public
 */
export interface PanelResult {
  id: string;
  title: string;
  unit: PanelUnit;
  series: EnvironmentSeries[];
  /** Set when this panel's query failed; the other panels are still valid (a partial result). */
  error?: string;
  /** The PromQL the backend ran for this panel (built from the entity's annotations). */
  query?: string;
  /** The same query in vmui and in Grafana's Explore, when `monitoring.vmui` / `monitoring.grafana` are set. */
  links?: { vmui?: string; grafana?: string };
}

/**
 * `GET /entity/:kind/:namespace/:name/metrics`
 *
 * @public
 */
export interface EntityMetricsResponse {
  entityRef: string;
  service: string;
  profile: string;
  /** ISO-8601 */
  from: string;
  /** ISO-8601 */
  to: string;
  stepSeconds: number;
  /** The configured environments, in display order, then any others that had data. */
  environments: string[];
  panels: PanelResult[];
}
