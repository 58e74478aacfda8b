/**
 * The fleet's numbers: a fixed set of grouped queries over the whole hub, whatever the number
 * of services, read by the fleet's background snapshot (FleetService).
 */
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  fleetBudgetQuery,
  FleetSource,
  fleetQueries,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { VmSelectClient } from '../vmselect/VmSelectClient';

/**
 * Request rate, errors, p95, the worst objective's budget left and a 24 h sparkline per
 * service, namespace and environment.
 */
export interface FleetSample {
  service: string;
  namespace: string;
  environment: string;
  requestRate: number;
  errorRate: number;
  latencyP95: number | null;
  /** From the hub's SLO recording rules; null without objectives (or without those rules). */
  budgetRemaining: number | null;
  /** One value an hour over the last 24 h, oldest first. */
  sparkline: Array<number | null>;
}

export interface FleetData {
  source: FleetSource;
  /** ISO-8601 */
  generatedAt: string;
  samples: FleetSample[];
}

/** How far back the fleet reads, and the grid its instants are on. */
const SETTLE_SECONDS = 15;
const ALIGN_SECONDS = 15;
export const SPARKLINE_POINTS = 24;
const HOUR = 3600;

/** Four significant digits: plenty for a sparkline, and most of the payload is sparklines. */
const round = (v: number) => Number(v.toPrecision(4));

const keyOf = (m: Record<string, string>) =>
  JSON.stringify([
    m[LABELS.service] ?? '',
    m[LABELS.namespace] ?? '',
    m[LABELS.environment] ?? '',
  ]);

export class FleetDataSource {
  constructor(
    private readonly client: VmSelectClient,
    private readonly source: 'auto' | FleetSource = 'auto',
  ) {}

  /** Which hub and series: part of the snapshot's cache key. */
  get hub(): string {
    return `${this.source}\n${this.client.baseUrl}`;
  }

  async get(): Promise<FleetData> {
    try {
      return await this.read();
    } catch (e) {
      // No input of the caller's is in these queries: a refusal (e.g. a resource limit of
      // VMSelect's) is the hub's problem, not a 400.
      if (e instanceof InputError)
        throw new ServiceUnavailableError(
          `VMSelect refused the fleet's queries (${e.message})`,
        );
      throw e;
    }
  }

  private async read(): Promise<FleetData> {
    // A settled instant, aligned: samples of the last seconds are still arriving (and VM hides
    // them for -search.latencyOffset), so "now" would give numbers that change after the fact.
    const now =
      Math.floor((Date.now() / 1000 - SETTLE_SECONDS) / ALIGN_SECONDS) *
      ALIGN_SECONDS;
    const query = (q: string) => this.client.query(q, now);
    // The recorded series first; the raw ones only when the hub has no recording rules.
    let source: FleetSource = this.source === 'raw' ? 'raw' : 'recording-rules';
    let queries = fleetQueries(source);
    let requests = await query(queries.requests);
    if (requests.length === 0 && this.source === 'auto') {
      source = 'raw';
      queries = fleetQueries(source);
      requests = await query(queries.requests);
    }
    // Hourly points ending now (to the minute, so callers within a minute share the query).
    const end = Math.floor(now / 60) * 60;
    // The budgets are recorded series whatever the source: absent, they are null.
    const [errors, latency, budgets, sparklines] = await Promise.all([
      query(queries.errors),
      query(queries.latencyP95),
      query(fleetBudgetQuery()),
      this.client.queryRange(queries.hourlyRequests, {
        start: end - (SPARKLINE_POINTS - 1) * HOUR,
        end,
        stepSeconds: HOUR,
      }),
    ]);
    const errorsBy = new Map(errors.map(s => [keyOf(s.metric), s.value]));
    const latencyBy = new Map(latency.map(s => [keyOf(s.metric), s.value]));
    const budgetBy = new Map(budgets.map(s => [keyOf(s.metric), s.value]));
    const sparkBy = new Map(sparklines.map(s => [keyOf(s.metric), s.points]));
    const samples: FleetSample[] = requests
      .filter(s => s.metric[LABELS.service] && Number.isFinite(s.value))
      .map(s => {
        const key = keyOf(s.metric);
        const points = new Map(
          (sparkBy.get(key) ?? []).map(([t, v]) => [t / 1000, v]),
        );
        const p95 = latencyBy.get(key);
        const budget = budgetBy.get(key);
        return {
          service: s.metric[LABELS.service],
          namespace: s.metric[LABELS.namespace] ?? '',
          environment: s.metric[LABELS.environment] ?? 'unknown',
          requestRate: s.value,
          errorRate: Number.isFinite(errorsBy.get(key))
            ? errorsBy.get(key)!
            : 0,
          latencyP95: p95 !== undefined && Number.isFinite(p95) ? p95 : null,
          budgetRemaining:
            budget !== undefined && Number.isFinite(budget) ? budget : null,
          sparkline: Array.from({ length: SPARKLINE_POINTS }, (_, i) => {
            const v = points.get(end - (SPARKLINE_POINTS - 1 - i) * HOUR);
            return v === undefined ? null : round(v);
          }),
        };
      });
    return { source, generatedAt: new Date(now * 1000).toISOString(), samples };
  }
}
