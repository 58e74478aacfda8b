/** The stack API of the monitoring backend (`GET /stack`), shared by the backend and the frontend. */
import { HubComponent } from './stackSignals';

/**
 * `ok`; `lagging`: samples arrive late, queue up or fail to send; `down`: nothing arrived for
 * the `down` threshold (or ever, within the lookback).
 *
 * @public
 */
export type SpokeVerdict = 'ok' | 'lagging' | 'down';

/** @public */
export interface SpokeHealth {
  /** The `cluster` label. */
  cluster: string;
  environment?: string;
  /** Whether this is the hub's own vmagent (its cluster carries the hub's components). */
  hub: boolean;
  verdict: SpokeVerdict;
  /** Why, in a few words ("no sample for 3m 10s"); absent when ok. */
  reason?: string;
  /** Seconds since the newest sample the hub holds from this cluster; null: none in the lookback. */
  lagSeconds: number | null;
  samplesPerSecond: number | null;
  activeSeries: number | null;
  /** Bytes in the vmagent's persistent queue. */
  queueBytes: number | null;
  /** Over `countWindow`. */
  droppedSamples: number | null;
  /** Failed remote-write requests over `countWindow`. */
  remoteWriteErrors: number | null;
  /** Samples/s over the last hour, one point a minute, oldest first (null: no data). */
  samplesTrend: Array<number | null>;
  /** Queue bytes over the last hour, as `samplesTrend`. */
  queueTrend: Array<number | null>;
}

/** @public */
export interface HubComponentHealth {
  component: HubComponent;
  /** The cluster (hub) it runs in. */
  cluster: string;
  /** Instances scraped up / scraped. */
  up: number;
  instances: number;
  status: 'up' | 'degraded' | 'down';
}

/**
 * `GET /stack`
 *
 * @public
 */
export interface StackResponse {
  /** ISO-8601 */
  generatedAt: string;
  thresholds: { laggingAfterSeconds: number; downAfterSeconds: number };
  /** The window drops and errors are counted over, e.g. `15m`. */
  countWindow: string;
  /** Worst first, then by name. */
  clusters: SpokeHealth[];
  /**
   * Every component of each hub (a cluster whose vmagent scrapes hub components), `down` with 0
   * instances when none of it was scraped; empty when no hub scrapes itself.
   */
  components: HubComponentHealth[];
}

/** @public */
export const SPOKE_VERDICT_ORDER: SpokeVerdict[] = ['down', 'lagging', 'ok'];
