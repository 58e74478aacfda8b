/**
 * `GET /stack`: the health of the monitoring stack from the series its components expose about
 * themselves (the spokes' vmagents, the hub's components as its vmagent scrapes them). A fixed
 * set of grouped queries, computed in the background by one replica (ScheduledSnapshot) and read
 * by every request.
 * Beside each cluster's verdict, the readiness of its VictoriaMetrics operator resources as its
 * Kubernetes API reports them (`ClusterResources.ts`), read at the same time.
 */
import {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  COMPONENT_LABEL,
  HUB_COMPONENTS,
  HubComponent,
  HubComponentHealth,
  LABELS,
  SPOKE_VERDICT_ORDER,
  STACK_COUNT_WINDOW,
  SpokeHealth,
  StackResponse,
  stackQueries,
  stackTrendQueries,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { SnapshotSchedule, StackThresholds } from '../config';
import { formatAge } from '../lib/formatAge';
import { fingerprint, ScheduledSnapshot } from '../lib/ScheduledSnapshot';
import { InstantSample, VmSelectClient } from '../vmselect/VmSelectClient';
import { ClusterResourcesReader } from './ClusterResources';

export const TREND_POINTS = 60;
const TREND_STEP_SECONDS = 60;

type Measures = Pick<
  SpokeHealth,
  'lagSeconds' | 'queueBytes' | 'droppedSamples' | 'remoteWriteErrors'
>;

/** The verdict on one spoke and the first reason for it. */
export function spokeVerdict(
  m: Measures,
  t: StackThresholds,
): Pick<SpokeHealth, 'verdict' | 'reason'> {
  if (m.lagSeconds === null)
    return { verdict: 'down', reason: 'no sample in the last day' };
  if (m.lagSeconds >= t.downAfterSeconds)
    return {
      verdict: 'down',
      reason: `no sample for ${formatAge(m.lagSeconds)}`,
    };
  if (m.lagSeconds >= t.laggingAfterSeconds) {
    return {
      verdict: 'lagging',
      reason: `newest sample ${formatAge(m.lagSeconds)} old`,
    };
  }
  if ((m.droppedSamples ?? 0) > 0) {
    return {
      verdict: 'lagging',
      reason: `${Math.round(m.droppedSamples!)} samples or blocks dropped in ${STACK_COUNT_WINDOW}`,
    };
  }
  if ((m.queueBytes ?? 0) > 0 && (m.remoteWriteErrors ?? 0) > 0) {
    return {
      verdict: 'lagging',
      reason: 'remote write failing, samples queued on disk',
    };
  }
  return { verdict: 'ok' };
}

const finite = (v: number | undefined) =>
  v !== undefined && Number.isFinite(v) ? v : null;
const round = (v: number) => Number(v.toPrecision(4));

/** By cluster; should a cluster come twice (two environment values), its newest sample counts. */
function byCluster(samples: InstantSample[]): Map<string, InstantSample> {
  const out = new Map<string, InstantSample>();
  for (const s of samples) {
    const cluster = s.metric[LABELS.cluster];
    if (!cluster) continue;
    const seen = out.get(cluster);
    if (!seen || s.value > seen.value) out.set(cluster, s);
  }
  return out;
}

/** The scheduler's task that refreshes the stack's snapshot. */
export const STACK_SNAPSHOT_TASK = 'monitoring-stack-snapshot';

/** The stack's answer but for the snapshot's age, which each read adds. */
export type StackSnapshotValue = Omit<StackResponse, 'snapshot'>;

export class StackService {
  private readonly snapshot: ScheduledSnapshot<StackSnapshotValue>;

  constructor(options: {
    client: VmSelectClient;
    thresholds: StackThresholds;
    /** Clusters known from the Kubernetes config: listed (as down) even when they never wrote. */
    configuredClusters?: string[];
    /** Reads those clusters' VictoriaMetrics resources; without it, none are shown. */
    resources?: ClusterResourcesReader;
    cache: CacheService;
    scheduler: SchedulerService;
    logger: LoggerService;
    schedule: SnapshotSchedule;
  }) {
    this.client = options.client;
    this.thresholds = options.thresholds;
    this.configuredClusters = options.configuredClusters ?? [];
    this.resources = options.resources;
    this.snapshot = new ScheduledSnapshot(
      {
        id: STACK_SNAPSHOT_TASK,
        // v3: the snapshot's value. Keyed by what shapes it (the hub, the clusters, the
        // verdicts' thresholds), so replicas configured otherwise do not share it.
        key: `stack:snapshot:v3:${fingerprint([
          options.client.baseUrl,
          options.configuredClusters ?? [],
          options.thresholds,
        ])}`,
        what: 'the stack',
        compute: () => this.compute(),
        schedule: options.schedule,
      },
      options.cache,
      options.scheduler,
      options.logger,
    );
  }

  private readonly client: VmSelectClient;
  private readonly thresholds: StackThresholds;
  private readonly configuredClusters: string[];
  private readonly resources?: ClusterResourcesReader;

  /** Schedules the snapshot's refresh (at once, then every `schedule.refreshSeconds`). */
  start(): Promise<void> {
    return this.snapshot.start();
  }

  /** Computes a snapshot now (the scheduled task's work). */
  refresh(): Promise<void> {
    return this.snapshot.refresh();
  }

  async getStack(): Promise<StackResponse> {
    const { value, info } = await this.snapshot.read();
    return { ...value, snapshot: info };
  }

  private async compute(): Promise<StackSnapshotValue> {
    // Both at once: the resources never fail (a cluster's failure is its error), the metrics may.
    const [metrics, resources] = await Promise.all([
      this.load(),
      this.resources?.readAll(),
    ]);
    if (!resources) return metrics;
    return {
      ...metrics,
      clusters: metrics.clusters.map(c => {
        const kubernetes = resources.get(c.cluster);
        return kubernetes ? { ...c, kubernetes } : c;
      }),
    };
  }

  private async load(): Promise<StackSnapshotValue> {
    try {
      return await this.read();
    } catch (e) {
      // These queries hold nothing of the caller's: a refusal is the hub's problem, not a 400.
      if (e instanceof InputError)
        throw new ServiceUnavailableError(
          `VMSelect refused the stack's queries (${e.message})`,
        );
      throw e;
    }
  }

  private async read(): Promise<StackSnapshotValue> {
    const now = Date.now() / 1000;
    const q = stackQueries();
    const trends = stackTrendQueries();
    const end = Math.floor(now / TREND_STEP_SECONDS) * TREND_STEP_SECONDS;
    const range = {
      start: end - (TREND_POINTS - 1) * TREND_STEP_SECONDS,
      end,
      stepSeconds: TREND_STEP_SECONDS,
    };
    const instant = (query: string) => this.client.query(query);
    const ranged = (query: string) => this.client.queryRange(query, range);
    const [
      last,
      rate,
      series,
      queue,
      dropped,
      errors,
      up,
      rateTrend,
      queueTrend,
    ] = await Promise.all([
      instant(q.lastSample),
      instant(q.samplesPerSecond),
      instant(q.activeSeries),
      instant(q.queueBytes),
      instant(q.droppedSamples),
      instant(q.remoteWriteErrors),
      instant(q.componentsUp),
      ranged(trends.samplesPerSecond),
      ranged(trends.queueBytes),
    ]);
    const lastBy = byCluster(last);
    const maps = {
      rate: byCluster(rate),
      series: byCluster(series),
      queue: byCluster(queue),
      dropped: byCluster(dropped),
      errors: byCluster(errors),
    };
    const trendOf = (trend: typeof rateTrend, cluster: string) => {
      const points = new Map(
        (
          trend.find(s => s.metric[LABELS.cluster] === cluster)?.points ?? []
        ).map(([t, v]) => [t / 1000, v]),
      );
      return Array.from({ length: TREND_POINTS }, (_, i) => {
        const v = points.get(range.start + i * TREND_STEP_SECONDS);
        return v === undefined ? null : round(v);
      });
    };
    const hubs = new Set(up.map(s => s.metric[LABELS.cluster]).filter(Boolean));
    const names = new Set([
      ...this.configuredClusters,
      ...lastBy.keys(),
      ...hubs,
    ]);
    const clusters: SpokeHealth[] = [...names].map(cluster => {
      const lastSample = finite(lastBy.get(cluster)?.value);
      const measures: Measures = {
        // Clocks differ by a little: never negative.
        lagSeconds:
          lastSample === null ? null : Math.max(0, round(now - lastSample)),
        queueBytes: finite(maps.queue.get(cluster)?.value),
        droppedSamples: finite(maps.dropped.get(cluster)?.value),
        remoteWriteErrors: finite(maps.errors.get(cluster)?.value),
      };
      const environment = lastBy.get(cluster)?.metric[LABELS.environment];
      return {
        cluster,
        ...(environment ? { environment } : {}),
        hub: hubs.has(cluster),
        ...spokeVerdict(measures, this.thresholds),
        ...measures,
        samplesPerSecond: finite(maps.rate.get(cluster)?.value),
        activeSeries: finite(maps.series.get(cluster)?.value),
        samplesTrend: trendOf(rateTrend, cluster),
        queueTrend: trendOf(queueTrend, cluster),
      };
    });
    clusters.sort(
      (a, b) =>
        SPOKE_VERDICT_ORDER.indexOf(a.verdict) -
          SPOKE_VERDICT_ORDER.indexOf(b.verdict) ||
        a.cluster.localeCompare(b.cluster),
    );
    return {
      generatedAt: new Date(now * 1000).toISOString(),
      thresholds: { ...this.thresholds },
      countWindow: STACK_COUNT_WINDOW,
      clusters,
      components: componentHealth(up, hubs),
    };
  }
}

/** Every component of every hub: up, degraded (some instances down) or down (none up or none scraped). */
function componentHealth(
  up: InstantSample[],
  hubs: Set<string>,
): HubComponentHealth[] {
  const result: HubComponentHealth[] = [];
  for (const cluster of [...hubs].sort()) {
    for (const component of HUB_COMPONENTS) {
      const instances = up.filter(
        s =>
          s.metric[LABELS.cluster] === cluster &&
          s.metric[COMPONENT_LABEL] === component,
      );
      const upCount = instances.filter(s => s.value === 1).length;
      let status: HubComponentHealth['status'] = 'up';
      if (upCount === 0) status = 'down';
      else if (upCount < instances.length) status = 'degraded';
      result.push({
        component: component as HubComponent,
        cluster,
        up: upCount,
        instances: instances.length,
        status,
      });
    }
  }
  return result;
}
