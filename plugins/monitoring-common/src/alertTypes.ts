/**
 * The alert API of the monitoring backend, shared by the backend and the frontend.
 *
 * @public
 */
export type AlertState = 'firing' | 'pending' | 'inactive';

/**
 * What Alertmanager says of one alert: `active` (notified), `suppressed` (silenced or
 * inhibited), `unprocessed` (not yet), or `unknown` when Alertmanager could not be asked.
 *
 * @public
 */
export interface AlertmanagerStatus {
  state: 'active' | 'suppressed' | 'unprocessed' | 'unknown';
  silencedBy: string[];
  inhibitedBy: string[];
}

/**
 * One firing or pending alert of a rule: one environment and cluster.
 *
 * @public
 */
export interface AlertInstance {
  state: 'firing' | 'pending';
  environment: string;
  cluster?: string;
  /** The value of the rule's expression when it last fired, if a number. */
  value: number | null;
  /** ISO-8601: since when it is pending or firing. */
  activeAt?: string;
  labels: Record<string, string>;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  /** vmalert's page of this alert (its `source`), when it is an http(s) URL. */
  sourceUrl?: string;
  alertmanager: AlertmanagerStatus;
}

/**
 * One alerting rule that concerns the entity, with its state per environment and cluster.
 *
 * @public
 */
export interface AlertRuleStatus {
  /** vmalert's rule id. */
  id: string;
  name: string;
  group: string;
  severity?: string;
  /** The worst state of its instances. */
  state: AlertState;
  summary?: string;
  description?: string;
  runbookUrl?: string;
  /** The rule's expression, as configured. */
  query: string;
  /** The configured `for:` in seconds. */
  forSeconds?: number;
  instances: AlertInstance[];
  /** Configured environments in which the rule has no pending or firing alert. */
  inactiveEnvironments: string[];
}

/**
 * A silence made through Backstage for this entity (its matchers are the entity's).
 *
 * @public
 */
export interface EntitySilence {
  id: string;
  state: 'active' | 'pending' | 'expired';
  /** ISO-8601 */
  startsAt: string;
  /** ISO-8601 */
  endsAt: string;
  createdBy: string;
  comment: string;
  alertname?: string;
  environment?: string;
}

/**
 * `GET /entity/:kind/:namespace/:name/alerts`
 *
 * @public
 */
export interface EntityAlertsResponse {
  entityRef: string;
  /** The `service` label value the alerts were matched on, when the entity names one. */
  service?: string;
  environments: string[];
  /** Ordered: firing first, then pending, then inactive; by severity within each. */
  rules: AlertRuleStatus[];
  /** Rules by their worst state. */
  counts: Record<AlertState, number>;
  /**
   * `ok`; `unavailable` when Alertmanager did not answer (alert states are still vmalert's,
   * silence states are `unknown`); `not-configured` when the backend has no Alertmanager.
   */
  alertmanager: 'ok' | 'unavailable' | 'not-configured';
  /** Active and pending silences of this entity. */
  silences: EntitySilence[];
  /** ISO-8601: when vmalert was read (the backend shares one read per few seconds). */
  fetchedAt: string;
}

/**
 * One interval during which an alert was pending or firing. Times are unix milliseconds.
 *
 * @public
 */
export interface AlertInterval {
  state: 'firing' | 'pending';
  start: number;
  end: number;
}

/**
 * `GET /entity/:kind/:namespace/:name/alerts/history`
 *
 * @public
 */
export interface EntityAlertHistoryResponse {
  entityRef: string;
  /** ISO-8601 */
  from: string;
  /** ISO-8601 */
  to: string;
  stepSeconds: number;
  alerts: Array<{
    alertname: string;
    environment: string;
    cluster?: string;
    intervals: AlertInterval[];
  }>;
}

/**
 * `POST /entity/:kind/:namespace/:name/silences`
 *
 * @public
 */
export interface CreateSilenceRequest {
  /** e.g. `1h`, `30m`; at most the backend's `monitoring.alertmanager.maxSilence`. */
  duration: string;
  comment: string;
  /** Only this alert (else all of the entity's alerts). */
  alertname?: string;
  /** Only this environment (else all). */
  environment?: string;
}

/** @public */
export interface CreateSilenceResponse {
  silenceId: string;
  /** ISO-8601 */
  endsAt: string;
}
