/** The SLO API of the monitoring backend, shared by the backend and the frontend. */
import type { SloAlertSeverity, SloKind } from './slo';

/**
 * One window's error ratio and burn rate.
 *
 * @public
 */
export interface SloWindowBurn {
  /** e.g. `1h`. */
  window: string;
  /** Failed (or too slow) share of requests over the window; null without requests. */
  errorRatio: number | null;
  /** errorRatio / (1 - target); 1 spends exactly the budget by the period's end. */
  burnRate: number | null;
}

/**
 * A burn-rate alert of the objective in this environment, as vmalert reports it.
 *
 * @public
 */
export interface SloBurnAlert {
  alertname: string;
  severity: SloAlertSeverity;
  state: 'firing' | 'pending';
  activeAt?: string;
}

/**
 * One objective in one environment.
 *
 * @public
 */
export interface SloEnvironmentStatus {
  environment: string;
  namespace?: string;
  /** Good share of requests over the period, 0..1; null without requests. */
  sli: number | null;
  /** 1 - sli. */
  errorRatio: number | null;
  /** Share of the period's budget left; negative once overspent. */
  budgetRemaining: number | null;
  /** The same as minutes of full outage still allowed (negative once overspent). */
  budgetRemainingMinutes: number | null;
  burnRates: SloWindowBurn[];
  /** At the 1 h burn rate; 0: exhausted; null: nothing burns or no data. */
  timeToExhaustionSeconds: number | null;
  /** Firing or pending burn-rate alerts (null when vmalert did not answer). */
  alerts: SloBurnAlert[] | null;
  /**
   * The budget over the current period, burned down from 1 at its start: at each point, 1 -
   * (errors since the period's start) / (the budget of the whole period's requests). Its last
   * point is `budgetRemaining`.
   */
  history: Array<{
    /** Unix milliseconds: the end of the interval. */ t: number;
    budgetRemaining: number | null;
  }>;
}

/**
 * One objective with its status per environment.
 *
 * @public
 */
export interface SloObjectiveStatus {
  slo: SloKind;
  /** e.g. 0.999. */
  target: number;
  thresholdSeconds?: number;
  /** The whole budget as minutes of full outage over the period. */
  budgetMinutes: number;
  environments: SloEnvironmentStatus[];
  /** e.g. a latency threshold that is not a bucket boundary of the histogram. */
  warnings: string[];
}

/**
 * `GET /entity/:kind/:namespace/:name/slo`
 *
 * @public
 */
export interface EntitySloResponse {
  /** e.g. `30d`. */
  period: string;
  periodSeconds: number;
  /** ISO-8601: the instant every number was read at. */
  evaluatedAt: string;
  /** Empty: the entity declares no objectives. */
  objectives: SloObjectiveStatus[];
  /** The burn-rate thresholds the alerts use, for marking them on the chart. */
  burnRateAlerts: Array<{
    severity: SloAlertSeverity;
    longWindow: string;
    shortWindow: string;
    factor: number;
  }>;
}
