/**
 * The synthetic fleet of the fleet and load benchmarks: series for N services x 3 environments
 * x 2 pods imported into the real VictoriaMetrics (`/api/v1/import`), the SLO budgets as the
 * hub's recording rules write them, and a catalog of the same services. Everything lives in
 * namespace `bench-fleet` and is deleted afterwards (deleteSynthetic).
 */
import { Entity } from '@backstage/catalog-model';
import {
  FLEET_RECORDED,
  LABELS,
  SLO_RECORDS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import type { StackEnv } from '@internal/monitoring-local-stack';
import { DirectVmSelect, sleep } from './support';

export const NAMESPACE = 'bench-fleet';
export const ENVIRONMENTS = [
  { environment: 'dev', cluster: 'dev-cluster' },
  { environment: 'staging', cluster: 'staging-cluster' },
  { environment: 'production', cluster: 'prod-cluster' },
];
const PODS = 2;
const STEP_S = 30;
/**
 * Samples from 30 min ago to 40 min ahead, so the data stays fresh while a benchmark runs (the
 * load benchmark's four levels take about 10 min after the import).
 */
const PAST_S = 1800;
const AHEAD_S = 2400;
/** Cumulative shares per bucket: p95 about 0.2 s, under the hub's latency alert (0.5 s). */
const BUCKETS: Array<[string, number]> = [
  ['0.1', 0.9],
  ['0.25', 0.97],
  ['0.5', 0.995],
  ['1', 0.999],
  ['+Inf', 1],
];

export const serviceName = (i: number) =>
  `bench-svc-${String(i).padStart(5, '0')}`;

/** `/api/v1/import` lines for services [from, to): requests by code and the latency histogram. */
function importLines(from: number, to: number, now: number): string[] {
  const timestamps: number[] = [];
  for (let t = now - PAST_S; t <= now + AHEAD_S; t += STEP_S)
    timestamps.push(t * 1000);
  const lines: string[] = [];
  const series = (metric: Record<string, string>, perSecond: number) =>
    lines.push(
      JSON.stringify({
        metric,
        values: timestamps.map((_, k) => Math.round(perSecond * k * STEP_S)),
        timestamps,
      }),
    );
  for (let i = from; i < to; i++) {
    for (const { environment, cluster } of ENVIRONMENTS) {
      for (let p = 0; p < PODS; p++) {
        const labels = {
          [LABELS.service]: serviceName(i),
          [LABELS.namespace]: NAMESPACE,
          [LABELS.environment]: environment,
          [LABELS.cluster]: cluster,
          [LABELS.pod]: `${serviceName(i)}-${p}`,
        };
        const rps = 1 + (i % 10);
        // One service in fifty fails 10% of its requests in production.
        const errorShare =
          i % 50 === 0 && environment === 'production' ? 0.1 : 0.002;
        series(
          { __name__: 'http_requests_total', ...labels, code: '200' },
          rps * (1 - errorShare),
        );
        series(
          { __name__: 'http_requests_total', ...labels, code: '500' },
          rps * errorShare,
        );
        for (const [le, share] of BUCKETS)
          series(
            { __name__: 'http_request_duration_seconds_bucket', ...labels, le },
            rps * share,
          );
      }
      // The budget left, as the hub's SLO rules record it (one series per objective and
      // environment; a benchmark of the fleet's read, not of vmalert): every service declares
      // availability and latency, and the failing one in fifty has overspent.
      for (const slo of ['availability', 'latency']) {
        const failing = i % 50 === 0 && environment === 'production';
        lines.push(
          JSON.stringify({
            metric: {
              __name__: SLO_RECORDS.budgetRemaining,
              [LABELS.service]: serviceName(i),
              [LABELS.namespace]: NAMESPACE,
              [LABELS.environment]: environment,
              sloth_service: serviceName(i),
              sloth_slo: slo,
              sloth_id: `${serviceName(i)}-${slo}`,
            },
            values: timestamps.map(() =>
              failing ? -4 : 0.6 + (i % 7) / 20 - (slo === 'latency' ? 0.1 : 0),
            ),
            timestamps,
          }),
        );
      }
    }
  }
  return lines;
}

/** Imports services [from, to); waits until the newest samples are searchable. */
export async function importSeries(
  vmDirect: string,
  from: number,
  to: number,
): Promise<{ series: number; seconds: number }> {
  const now = Math.floor(Date.now() / 1000);
  const t = performance.now();
  let series = 0;
  const chunk = 100; // services per request
  for (let start = from; start < to; start += chunk) {
    const lines = importLines(start, Math.min(to, start + chunk), now);
    series += lines.length;
    const res = await fetch(`${vmDirect}/api/v1/import`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    if (!res.ok) throw new Error(`import answered HTTP ${res.status}`);
    process.stdout.write(
      `\r  importing: ${Math.min(to, start + chunk)}/${to} services`,
    );
  }
  process.stdout.write('\n');
  // Imported rows become searchable after a flush.
  await fetch(`${vmDirect}/internal/force_flush`);
  const seconds = (performance.now() - t) / 1000;
  // The rate windows need the newest imported samples to be visible (latency offset).
  await sleep(6000);
  return { series, seconds };
}

export const OWNER_GROUPS = 40;
/** The group owning service i (`team-<i mod 40>`, in the default namespace). */
export const ownerOf = (i: number) => `team-${i % OWNER_GROUPS}`;

/** The catalog of services [0, count): 40 owner groups, 25 systems. */
export function catalog(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: serviceName(i),
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': serviceName(i),
        'backstage.io/kubernetes-namespace': NAMESPACE,
      },
    },
    spec: {
      type: 'service',
      owner: ownerOf(i),
      lifecycle: 'production',
      system: `system-${i % 25}`,
    },
  }));
}

/** Waits (bounded) until vmalert has recorded the synthetic services: the fleet then reads them. */
export async function waitForRecorded(
  env: StackEnv,
  count: number,
): Promise<boolean> {
  const client = DirectVmSelect.ofStack(env);
  for (let i = 0; i < 40; i++) {
    const [n] = await client.query(
      `count(count by (service, environment) (${FLEET_RECORDED.requests}{namespace="${NAMESPACE}"}))`,
    );
    if ((n?.value ?? 0) >= count * ENVIRONMENTS.length) return true;
    await sleep(3000);
  }
  return false;
}

/** Deletes the series of `selector`; split by environment, then by bucket, when VM refuses one that large. */
async function deleteSeries(
  env: StackEnv,
  selector: string,
  splits: string[][] = [
    ENVIRONMENTS.map(e => `${LABELS.environment}="${e.environment}"`),
    BUCKETS.map(([le]) => `le="${le}"`),
  ],
): Promise<boolean> {
  const res = await fetch(
    `${env.MONITORING_VM_DIRECT_URL}/api/v1/admin/tsdb/delete_series`,
    {
      method: 'POST',
      body: new URLSearchParams({ 'match[]': `{${selector}}` }),
    },
  );
  if (res.ok) return true;
  // "the number of matching timeseries exceeds ...": the index counts earlier runs' series too.
  const [split, ...rest] = splits;
  if (res.status !== 400 || !split) {
    console.error(
      `  could not delete the synthetic series {${selector}}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
    return false;
  }
  let ok = true;
  for (const matcher of split)
    ok = (await deleteSeries(env, `${selector},${matcher}`, rest)) && ok;
  return ok;
}

/**
 * Deletes every synthetic series: the raw ones, then (after one more evaluation of vmalert's
 * rules, which may record from them until they are gone) the recorded ones.
 */
export async function deleteSynthetic(env: StackEnv): Promise<void> {
  // Per metric: VM refuses to delete more than -search.maxUniqueTimeseries series at once.
  const of = (metric: string) =>
    `__name__="${metric}",${LABELS.namespace}="${NAMESPACE}"`;
  for (const metric of [
    'http_requests_total',
    'http_request_duration_seconds_bucket',
    SLO_RECORDS.budgetRemaining,
  ])
    await deleteSeries(env, of(metric));
  await sleep(20_000);
  for (const metric of [
    'ALERTS',
    'ALERTS_FOR_STATE',
    ...Object.values(FLEET_RECORDED),
  ])
    await deleteSeries(env, of(metric));
}
