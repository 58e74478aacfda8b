// Over 400 lines: the series generator, the synthetic catalog and both sizes' measurements.
/**
 * Fleet benchmark (part of `npm run bench`, or alone with `npm run bench -- fleet`): synthetic
 * series for 1,000 and then 5,000 services x 3 environments x 2 pods, imported into the real
 * VictoriaMetrics (`/api/v1/import`), and a synthetic catalog of the same size. Measures:
 * - GET /fleet over HTTP (real plugin: auth, catalog, chunked permission checks, claims) against
 *   the same grouped queries sent directly through vmauth;
 * - one query set per entity (the fan-out of per-entity plugins), sequentially and 8 at a time;
 * - upstream queries per fleet read (a counting proxy), at each size and for 100 concurrent callers;
 * - the payload, and the backend's memory growth over repeated reads.
 * The synthetic series live in namespace `bench-fleet` and are deleted afterwards. Prints
 * figures; asserts nothing.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FLEET_RECORDED,
  fleetBudgetQuery,
  fleetQueries,
  SLO_RECORDS,
  FleetResponse,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import monitoringPlugin from '@hubspoke/backstage-plugin-monitoring-backend';
import type { StackEnv } from '@internal/monitoring-local-stack';
import fs from 'node:fs';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  benchDir,
  cacheWithout,
  countingProxy,
  DirectVmSelect,
  median,
  stackVmselect,
} from './support';

const NAMESPACE = 'bench-fleet';
const ENVIRONMENTS = [
  { environment: 'dev', cluster: 'dev-cluster' },
  { environment: 'staging', cluster: 'staging-cluster' },
  { environment: 'production', cluster: 'prod-cluster' },
];
const PODS = 2;
const STEP_S = 30;
/** Samples from 30 min ago to 15 min ahead, so the data stays fresh while the benchmark runs. */
const PAST_S = 1800;
const AHEAD_S = 900;
/** Cumulative shares per bucket: p95 about 0.2 s, under the hub's latency alert (0.5 s). */
const BUCKETS: Array<[string, number]> = [
  ['0.1', 0.9],
  ['0.25', 0.97],
  ['0.5', 0.995],
  ['1', 0.999],
  ['+Inf', 1],
];
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 10);
/** Entities of the per-entity fan-out actually run; the rest is extrapolated (it is linear). */
const FANOUT_SAMPLE = Number(process.env.BENCH_FLEET_FANOUT_SAMPLE ?? 500);

const serviceName = (i: number) => `bench-svc-${String(i).padStart(5, '0')}`;
const mb = (bytes: number) =>
  bytes >= 2 ** 20
    ? `${(bytes / 2 ** 20).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;

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

async function importSeries(
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
  return { series, seconds: (performance.now() - t) / 1000 };
}

function catalog(count: number): Entity[] {
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
      owner: `team-${i % 40}`,
      lifecycle: 'production',
      system: `system-${i % 25}`,
    },
  }));
}

/**
 * The plugin's cache without the fleet's data entry, so every read sends the grouped queries
 * again while the rest (the claimants, the alert snapshot) is cached as in production.
 */
const freshDataFactory = cacheWithout('fleet:v');

async function fleetBackend(
  env: StackEnv,
  vmselectUrl: string,
  entities: Entity[],
  cached: boolean,
  source: 'recording-rules' | 'raw',
) {
  const { server } = await startTestBackend({
    features: [
      monitoringPlugin,
      mockServices.rootConfig.factory({
        data: {
          monitoring: {
            vmselect: {
              ...stackVmselect(env),
              url: vmselectUrl,
              // As a hub of this size would set it: 5,000 services on 2 shared cores take seconds.
              timeout: '60s',
            },
            fleet: { source },
          },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities }),
      ...(cached ? [] : [freshDataFactory]),
    ],
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/monitoring/fleet`;
  return { server, url };
}

/** One read; the body is parsed after the clock stops (the page's parse is in the page benchmark). */
async function getFleet(
  url: string,
  user?: string,
): Promise<{ ms: number; body: () => FleetResponse; bytes: number }> {
  const t = performance.now();
  const res = await fetch(url, {
    headers: { authorization: mockCredentials.user.header(user) },
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const ms = performance.now() - t;
  if (!res.ok)
    throw new Error(
      `fleet answered HTTP ${res.status}: ${bytes.toString('utf8', 0, 200)}`,
    );
  return {
    ms,
    body: () => JSON.parse(bytes.toString('utf8')),
    bytes: bytes.length,
  };
}

/** The fleet's five grouped queries, sent directly, in the order FleetDataSource sends them. */
async function directQueries(
  client: DirectVmSelect,
  source: 'recording-rules' | 'raw',
): Promise<number> {
  const q = fleetQueries(source);
  const now = Math.floor((Date.now() / 1000 - 15) / 15) * 15;
  const end = Math.floor(now / 60) * 60;
  const t = performance.now();
  await client.query(q.requests, now);
  await Promise.all([
    client.query(q.errors, now),
    client.query(q.latencyP95, now),
    client.query(fleetBudgetQuery(), now),
    client.queryRange(q.hourlyRequests, {
      start: end - 23 * 3600,
      end,
      stepSeconds: 3600,
    }),
  ]);
  return performance.now() - t;
}

/** One service's query set: the fleet's queries restricted to it. */
async function perEntity(client: DirectVmSelect, i: number): Promise<void> {
  const q = fleetQueries('raw', [
    { name: LABELS.service, op: '=', value: serviceName(i) },
    { name: LABELS.namespace, op: '=', value: NAMESPACE },
  ]);
  const now = Math.floor(Date.now() / 1000) - 15;
  const end = Math.floor(now / 60) * 60;
  await Promise.all([
    client.query(q.requests, now),
    client.query(q.errors, now),
    client.query(q.latencyP95, now),
    client.queryRange(q.hourlyRequests, {
      start: end - 23 * 3600,
      end,
      stepSeconds: 3600,
    }),
  ]);
}

async function fanOut(
  client: DirectVmSelect,
  count: number,
  concurrency: number,
): Promise<number> {
  const sample = Math.min(count, FANOUT_SAMPLE);
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < sample) await perEntity(client, next++);
    }),
  );
  return ((performance.now() - t) * count) / sample;
}

type Source = 'recording-rules' | 'raw';

/** GET /fleet over HTTP against the same grouped queries sent directly, alternating, median of ROUNDS. */
async function endpointVsDirect(
  env: StackEnv,
  client: DirectVmSelect,
  entities: Entity[],
  source: Source,
) {
  const backend = await fleetBackend(
    env,
    env.MONITORING_VMSELECT_URL,
    entities,
    false,
    source,
  );
  // Warm both paths once (VM's caches, the plugin's first catalog read).
  const read = await getFleet(backend.url);
  const first = { bytes: read.bytes, body: read.body() };
  await directQueries(client, source);
  const endpointMs: number[] = [];
  const directMs: number[] = [];
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2) {
      directMs.push(await directQueries(client, source));
      endpointMs.push((await getFleet(backend.url)).ms);
    } else {
      endpointMs.push((await getFleet(backend.url)).ms);
      directMs.push(await directQueries(client, source));
    }
  }
  global.gc?.();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  backend.server.close();
  const cells = first.body.rows.reduce(
    (n, r) =>
      n + Object.values(r.cells).filter(c => c.requestRate !== null).length,
    0,
  );
  const budgets = first.body.rows.reduce(
    (n, r) =>
      n + Object.values(r.cells).filter(c => c.budgetRemaining !== null).length,
    0,
  );
  return {
    first,
    cells,
    budgets,
    endpoint: median(endpointMs),
    direct: median(directMs),
    heapGrowth,
  };
}

/** Waits (bounded) until vmalert has recorded the synthetic services: the fleet then reads them. */
async function waitForRecorded(
  client: DirectVmSelect,
  count: number,
): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    const [n] = await client.query(
      `count(count by (service, environment) (${FLEET_RECORDED.requests}{namespace="${NAMESPACE}"}))`,
    );
    if ((n?.value ?? 0) >= count * ENVIRONMENTS.length) return true;
    await new Promise(resolve => setTimeout(resolve, 3000));
  }
  return false;
}

async function measure(env: StackEnv, count: number) {
  const proxy = await countingProxy(
    new URL(env.MONITORING_VMSELECT_URL).origin,
  );
  const vmPath = new URL(env.MONITORING_VMSELECT_URL).pathname;
  const entities = catalog(count);
  const client = DirectVmSelect.ofStack(env);
  const recorded = await waitForRecorded(client, count);
  console.log(
    `Fleet, ${count} services x 3 environments, median of ${ROUNDS} reads each:`,
  );
  let main: Awaited<ReturnType<typeof endpointVsDirect>> | undefined;
  for (const source of ['recording-rules', 'raw'] as Source[]) {
    if (source === 'recording-rules' && !recorded) {
      console.log(
        '  recording rules: vmalert had not recorded every synthetic service within 2 min; skipped',
      );
      continue;
    }
    const r = await endpointVsDirect(env, client, entities, source);
    main ??= r;
    console.log(
      `  from ${source}: GET /fleet over HTTP ${r.endpoint.toFixed(0)} ms, the same grouped queries sent directly ${r.direct.toFixed(0)} ms, ` +
        `ratio ${(r.endpoint / r.direct).toFixed(2)}x (target <= 1.3x); ${r.first.body.rows.length} rows, ${r.cells} cells with data, ${r.budgets} with a budget`,
    );
  }

  // Upstream queries per read (a counting proxy in front of vmauth), and 100 concurrent callers
  // on a backend with its cache.
  const total = () => [...proxy.counts.values()].reduce((a, b) => a + b, 0);
  const counted = await fleetBackend(
    env,
    `${proxy.url}${vmPath}`,
    entities,
    false,
    'raw',
  );
  const queries = () =>
    (proxy.counts.get(`${vmPath}/api/v1/query`) ?? 0) +
    (proxy.counts.get(`${vmPath}/api/v1/query_range`) ?? 0);
  const before = queries();
  for (let i = 0; i < 3; i++) await getFleet(counted.url);
  const perRead = (queries() - before) / 3;
  counted.server.close();
  const cached = await fleetBackend(
    env,
    `${proxy.url}${vmPath}`,
    entities,
    true,
    'raw',
  );
  // 100 concurrent readers, each a different user: one user gets at most
  // `maxRequestsPerPrincipal` (6) in flight, the seventh a 503 (issue 21's finding).
  const beforeAll = total();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      getFleet(cached.url, `user:default/user-${i}`),
    ),
  );
  const distinctMs = performance.now() - t;
  const concurrentQueries = total() - beforeAll;
  cached.server.close();
  proxy.close();
  console.log(
    `  upstream queries per uncached read: ${perRead} (target: the same at every size); ` +
      `100 concurrent reads by 100 different users: ${concurrentQueries} upstream requests (5 queries, budgets included, + 1 alert snapshot, shared), ` +
      `${(distinctMs / 1000).toFixed(1)} s (checks per user)`,
  );

  const sequentialMs = await fanOut(client, count, 1);
  const parallelMs = await fanOut(client, count, 8);
  const e = main!.endpoint;
  const sampled =
    count > FANOUT_SAMPLE
      ? ` (${FANOUT_SAMPLE} entities run, scaled to ${count})`
      : '';
  console.log(
    `  one raw query set per entity${sampled}: sequential ${(sequentialMs / 1000).toFixed(1)} s (fleet ${(sequentialMs / e).toFixed(0)}x faster), ` +
      `8 at a time ${(parallelMs / 1000).toFixed(1)} s (fleet ${(parallelMs / e).toFixed(0)}x faster) (target: >= 20x at 5,000)`,
  );
  console.log(
    `  payload ${mb(main!.first.bytes)} (${mb(gzipSync(JSON.stringify(main!.first.body)).length)} gzipped); ` +
      `heap growth over ${ROUNDS} reads ${mb(main!.heapGrowth)}`,
  );
  fs.mkdirSync(benchDir, { recursive: true });
  fs.writeFileSync(
    path.join(benchDir, `fleet-${count}.json`),
    JSON.stringify(main!.first.body),
  );
}

export async function benchFleet(env: StackEnv) {
  const sizes = (process.env.BENCH_FLEET_SIZES ?? '1000,5000')
    .split(',')
    .map(Number);
  let imported = 0;
  try {
    for (const size of sizes) {
      const added = await importSeries(
        env.MONITORING_VM_DIRECT_URL,
        imported,
        size,
      );
      imported = size;
      console.log(
        `  imported ${added.series} series (${size} services in all) in ${added.seconds.toFixed(1)} s`,
      );
      // The rate windows need the newest imported samples to be visible (latency offset).
      await new Promise(resolve => setTimeout(resolve, 6000));
      await measure(env, size);
    }
  } finally {
    // Per metric: VM refuses to delete more than -search.maxUniqueTimeseries series at once.
    const metrics = [
      'http_requests_total',
      'http_request_duration_seconds_bucket',
      'ALERTS',
      'ALERTS_FOR_STATE',
      ...Object.values(FLEET_RECORDED),
      SLO_RECORDS.budgetRemaining,
    ];
    for (const metric of metrics) {
      const res = await fetch(
        `${env.MONITORING_VM_DIRECT_URL}/api/v1/admin/tsdb/delete_series`,
        {
          method: 'POST',
          body: new URLSearchParams({
            'match[]': `{__name__="${metric}",${LABELS.namespace}="${NAMESPACE}"}`,
          }),
        },
      );
      if (!res.ok)
        console.error(
          `  could not delete the synthetic ${metric} series: HTTP ${res.status}`,
        );
    }
  }
}
