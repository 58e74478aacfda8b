/**
 * The demo services' past, as pure functions: the `http_requests_total` and
 * `http_request_duration_seconds_bucket` series of every demo pod from a plan's first to its last
 * sample, in VictoriaMetrics' JSON-line import format. `backfill.ts` streams them into the hub
 * when the stack starts, so a 30-day error budget has 30 days of requests to count.
 *
 * The shapes are the live exporter's (demoSeries.mjs: status shares, log-normal latency
 * buckets, per-pod weights and phases) with the profiles of demoServices.ts, and the
 * incidents there (DEMO_INCIDENTS) switch a profile at a moment before the stack started.
 * Counters are closed-form integrals of the request rate, so they only grow.
 */
import {
  DEFAULT_SLO_PERIOD,
  LABELS,
  parseSloPeriod,
  spokeExternalLabels,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  bucketShares,
  DemoSeriesPod,
  loadIntegral,
  podsByEnvironment,
  statusShares,
} from './demoSeries.mjs';
import {
  DEMO_INCIDENTS,
  DEMO_SERVICES,
  DemoPodNames,
  DemoProfile,
  demoServicesDocument,
} from './demoServices';
import { ENVIRONMENTS } from './environments';
import { POD_SCRAPE_JOB, podInstance } from './vmagentConfig';

/**
 * Bumped whenever the generated series change, so a data dir imported by an older generator
 * says so (backfill.ts) instead of silently mixing two pasts.
 */
export const BACKFILL_VERSION = 1;

/**
 * One sample every 10 minutes, and every minute over the last 26 hours. The SLO's windows that
 * reach into the past (6h, 1d, 3d, the period) are exact at any step; what the step decides is
 * whether a graph of the past has a sample in every rate window. The backend's graphs use a
 * window of their step, at least 2 minutes, for at most 300 points: 2-minute windows for ranges
 * up to 10 hours, 5 minutes up to 25 hours, 10 minutes up to 50 hours, longer beyond. A window
 * without a sample reads 0 in VictoriaMetrics (the counter "did not change"), so a coarser past
 * draws a saw-tooth to zero that looks like outages. 30 days at 10 minutes plus 26 hours at 1
 * minute: 5,724 samples per series, ~5.5 M samples for the 960 series, ~115 MB of JSON lines
 * (streamed one series at a time), ~2 MB on disk. Uniform 5 minutes (8.3 M) would be slower
 * and still saw-tooth 2-minute windows; uniform 1 minute would be 41 M.
 */
export const BACKFILL_STEP_MS = 10 * 60_000;
export const BACKFILL_FINE_STEP_MS = 60_000;
export const BACKFILL_FINE_SPAN_MS = 26 * 3_600_000;

/** As far back as the default SLO period reaches. */
export const BACKFILL_PERIOD_MS = parseSloPeriod(DEFAULT_SLO_PERIOD);

/**
 * VictoriaMetrics refuses samples older than now - retention; starting an hour inside it leaves
 * room for the import's own duration.
 */
export const RETENTION_MARGIN_MS = 3_600_000;

/** The past has a daily load cycle (the exporter's 10-minute one would alias at this step). */
const DAY_S = 86_400;

export const BACKFILL_METRICS = [
  'http_requests_total',
  'http_request_duration_seconds_bucket',
] as const;

export interface BackfillPlan {
  version: number;
  /** The moment the plan was made: incidents are placed relative to it. Epoch ms. */
  nowMs: number;
  /** First and last sample, epoch ms. */
  fromMs: number;
  toMs: number;
  /** Samples every `stepMs` from `fromMs`, every `fineStepMs` from `fineFromMs` to `toMs`. */
  stepMs: number;
  fineFromMs: number;
  fineStepMs: number;
}

export interface PlanOptions {
  nowMs: number;
  /** The first live sample of the demo pods, if VictoriaMetrics already has one. Epoch ms. */
  liveStartMs?: number;
  /** The database's retention: nothing older is imported. */
  retentionMs: number;
  /** The last sample stays this far before the live data (or now): two scrape intervals. */
  gapMs: number;
  stepMs?: number;
  fineStepMs?: number;
  fineSpanMs?: number;
  periodMs?: number;
}

/**
 * The range to import: the past period (within the retention) up to `gapMs` before the first live
 * sample, or before now when there is none yet; undefined when that leaves less than two samples.
 */
export function planBackfill(o: PlanOptions): BackfillPlan | undefined {
  const stepMs = o.stepMs ?? BACKFILL_STEP_MS;
  const fineStepMs = o.fineStepMs ?? BACKFILL_FINE_STEP_MS;
  const periodMs = o.periodMs ?? BACKFILL_PERIOD_MS;
  const end = Math.min(o.nowMs, o.liveStartMs ?? Infinity) - o.gapMs;
  const start = Math.max(
    o.nowMs - periodMs,
    o.nowMs - o.retentionMs + RETENTION_MARGIN_MS,
  );
  const fromMs = Math.ceil(start / stepMs) * stepMs;
  const toMs = Math.floor(end / fineStepMs) * fineStepMs;
  if (toMs <= fromMs) return undefined;
  const fineStart = toMs - (o.fineSpanMs ?? BACKFILL_FINE_SPAN_MS);
  const fineFromMs = Math.max(fromMs, Math.floor(fineStart / stepMs) * stepMs);
  return {
    version: BACKFILL_VERSION,
    nowMs: o.nowMs,
    fromMs,
    toMs,
    stepMs,
    fineFromMs: Math.min(fineFromMs, toMs),
    fineStepMs,
  };
}

/** The plan's sample times, ascending: coarse up to `fineFromMs`, fine from there. */
export function sampleTimestamps(plan: BackfillPlan): number[] {
  const out: number[] = [];
  for (let t = plan.fromMs; t < plan.fineFromMs; t += plan.stepMs) out.push(t);
  for (let t = plan.fineFromMs; t <= plan.toMs; t += plan.fineStepMs)
    out.push(t);
  return out;
}

/** One series of the import; every series of a plan has the plan's timestamps. */
export interface BackfillSeries {
  metric: Record<string, string>;
  values: number[];
}

/**
 * Requests a pod served from the plan's start to each timestamp, split at the incident (if any):
 * `before[i]` under the earlier profile, `after[i]` under the current one.
 */
function podRequests(
  p: DemoSeriesPod,
  environment: string,
  plan: BackfillPlan,
  timestamps: number[],
) {
  const incident = DEMO_INCIDENTS.find(
    i => i.service === p.service && i.environment === environment,
  );
  const earlier = incident?.before ?? p.profile;
  const switchMs = incident ? plan.nowMs - incident.startedAgoMs : -Infinity;
  // The cycle's phase is the pod's at the epoch, so every run places the peaks alike.
  const phase = p.phase + (((2 * Math.PI) / DAY_S) * plan.fromMs) / 1000;
  const load = (ms: number) =>
    p.weight * loadIntegral((ms - plan.fromMs) / 1000, phase, DAY_S);
  const switchLoad = load(Math.min(Math.max(switchMs, plan.fromMs), plan.toMs));
  const before: number[] = [];
  const after: number[] = [];
  for (const t of timestamps) {
    if (t <= switchMs) {
      before.push(earlier.requestRate * load(t));
      after.push(0);
    } else {
      before.push(earlier.requestRate * switchLoad);
      after.push(p.profile.requestRate * (load(t) - switchLoad));
    }
  }
  return { earlier, before, after };
}

/** `sum_k shares_k * requests_k[i]`, floored as the exporter floors its counters. */
function counter(
  parts: { share: number; requests: number[] }[],
  n: number,
): number[] {
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (const part of parts) v += part.share * part.requests[i];
    values[i] = Math.floor(v);
  }
  return values;
}

/**
 * Every series of the plan, pod by pod. Labels are the live series' own (see backfill.ts for why
 * they must be identical): the spoke's cluster and environment, the pod target's relabeling
 * (namespace, pod, container, service), job and instance, and the exporter's method, code,
 * route and le.
 */
export function* backfillSeries(
  plan: BackfillPlan,
  names: DemoPodNames = {},
): Generator<BackfillSeries> {
  const timestamps = sampleTimestamps(plan);
  const n = timestamps.length;
  const byEnvironment = podsByEnvironment(demoServicesDocument(names));
  for (const env of ENVIRONMENTS) {
    for (const p of byEnvironment.get(env.name) ?? []) {
      const base = {
        ...spokeExternalLabels({ cluster: env.cluster, environment: env.name }),
        [LABELS.namespace]: p.namespace,
        [LABELS.pod]: p.pod,
        [LABELS.container]: p.service,
        [LABELS.service]: p.service,
        job: POD_SCRAPE_JOB,
        instance: podInstance(p.pod),
      };
      const { earlier, before, after } = podRequests(
        p,
        env.name,
        plan,
        timestamps,
      );
      for (const r of p.routes) {
        const earlierShares = statusShares(r.method, earlier.errorRatio);
        const currentShares = statusShares(r.method, p.profile.errorRatio);
        for (const code of Object.keys(currentShares)) {
          yield {
            metric: {
              __name__: 'http_requests_total',
              ...base,
              method: r.method,
              code,
              route: r.route,
            },
            values: counter(
              [
                { share: r.share * earlierShares[code], requests: before },
                { share: r.share * currentShares[code], requests: after },
              ],
              n,
            ),
          };
        }
      }
      for (const r of p.routes) {
        const earlierBuckets = bucketShares(
          r.method,
          earlier.medianLatencySeconds,
        );
        const currentBuckets = bucketShares(
          r.method,
          p.profile.medianLatencySeconds,
        );
        for (const [k, [le, share]] of currentBuckets.entries()) {
          yield {
            metric: {
              __name__: 'http_request_duration_seconds_bucket',
              ...base,
              method: r.method,
              route: r.route,
              le,
            },
            values: counter(
              [
                { share: r.share * earlierBuckets[k][1], requests: before },
                { share: r.share * share, requests: after },
              ],
              n,
            ),
          };
        }
      }
    }
  }
}

/**
 * The share of a service's requests that fail an objective under a profile, as the demo's
 * series count them: 5xx for availability, slower than the threshold (a bucket boundary) for
 * latency. What an SLI over a window of that profile reads, so tests can assert budgets.
 */
export function demoErrorRatio(
  service: string,
  profile: DemoProfile,
  objective: { slo: 'availability' | 'latency'; thresholdSeconds?: number },
): number {
  const routes = DEMO_SERVICES.find(s => s.name === service)?.routes;
  if (!routes) throw new Error(`no demo service ${service}`);
  let ratio = 0;
  for (const r of routes) {
    if (objective.slo === 'availability') {
      const shares = statusShares(r.method, profile.errorRatio);
      ratio += r.share * ((shares['500'] ?? 0) + (shares['503'] ?? 0));
    } else {
      const le = String(objective.thresholdSeconds);
      const bucket = bucketShares(r.method, profile.medianLatencySeconds).find(
        ([l]) => l === le,
      );
      if (!bucket) throw new Error(`${le} s is not a bucket boundary`);
      ratio += r.share * (1 - bucket[1]);
    }
  }
  return ratio;
}

/** The JSON array of a plan's timestamps, rendered once and shared by every line. */
export function timestampsJson(plan: BackfillPlan): string {
  return JSON.stringify(sampleTimestamps(plan));
}

/** One line of `/api/v1/import`: `{"metric":{...},"values":[...],"timestamps":[...]}`. */
export function importLine(s: BackfillSeries, timestamps: string): string {
  return `{"metric":${JSON.stringify(s.metric)},"values":${JSON.stringify(s.values)},"timestamps":${timestamps}}\n`;
}
