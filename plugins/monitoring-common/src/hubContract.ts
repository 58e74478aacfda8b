/**
 * The hub contract: the values the hub's manifests (monitoring-manifests), the backend's config
 * defaults (monitoring-backend) and the local stack must agree on, defined once. Where a value
 * comes from the target architecture (docs/architecture.md) the comment names the box or table.
 */

/**
 * How long the hub keeps data (docs/architecture.md, "Retention, deduplication and intervals").
 * The hub renders it, the local hub runs with it, and the backend clamps ranges to it unless
 * `monitoring.retention` says otherwise.
 *
 * @public
 */
export const HUB_RETENTION = '15d';

/**
 * The spokes' and the hub's scrape interval (docs/architecture.md, "Data paths"). Also the hub's
 * deduplication interval and vmalert's evaluation interval, and the backend's shortest rate
 * window is four of it.
 *
 * @public
 */
export const HUB_SCRAPE_INTERVAL = '30s';

/**
 * The `environment` label of the hub's own vmagent (not in docs/architecture.md).
 *
 * @public
 */
export const HUB_ENVIRONMENT = 'infra';

/**
 * The VictoriaMetrics tenant the suite reads and writes.
 *
 * @public
 */
export const HUB_TENANT = '0';

/**
 * The read path of the tenant on vmselect (behind vmauth): the backend's `monitoring.vmselect.url`
 * ends with it.
 *
 * @public
 */
export const HUB_SELECT_PATH = `/select/${HUB_TENANT}/prometheus`;

/**
 * The write path of the tenant on vminsert (behind vmauth): the spokes remote-write to
 * `<hub>${HUB_INSERT_PATH}/api/v1/write`.
 *
 * @public
 */
export const HUB_INSERT_PATH = `/insert/${HUB_TENANT}/prometheus`;

/**
 * The environments the suite knows by default: the backend's `monitoring.environments` default
 * and the local stack's three spokes.
 *
 * @public
 */
export const DEFAULT_ENVIRONMENTS = ['dev', 'staging', 'production'] as const;

/**
 * A warning and a critical level of one signal.
 *
 * @public
 */
export interface HealthLevels {
  warning: number;
  critical: number;
}

/**
 * The fleet's default health thresholds (`monitoring.health` in the backend): above 1 % failed
 * requests is a warning, above 5 % critical; a p95 latency above 0.5 s a warning, above 1 s
 * critical.
 *
 * @public
 */
export const DEFAULT_HEALTH_THRESHOLDS: {
  readonly errorRatio: Readonly<HealthLevels>;
  readonly latencyP95Seconds: Readonly<HealthLevels>;
} = {
  errorRatio: { warning: 0.01, critical: 0.05 },
  latencyP95Seconds: { warning: 0.5, critical: 1 },
};

/**
 * The thresholds of the hub's default service alerts, derived from the fleet's: the error-ratio
 * alert (critical) fires where the fleet turns critical, the p95 latency alert (warning) where
 * the fleet shows a warning. A monitor-a-service rule starts from the same values.
 *
 * @public
 */
export const HUB_SERVICE_ALERT_THRESHOLDS = {
  errorRatio: DEFAULT_HEALTH_THRESHOLDS.errorRatio.critical,
  latencyP95Seconds: DEFAULT_HEALTH_THRESHOLDS.latencyP95Seconds.warning,
} as const;
