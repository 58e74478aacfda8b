/**
 * Fleet benchmark (part of `npm run bench`, or alone with `npm run bench -- fleet`): the
 * synthetic fleet (synthetic.ts) at 1,000 and then 5,000 services x 3 environments x 2 pods, read
 * by the real plugin (backend.ts), whose fleet is a background snapshot refreshed by Backstage's
 * scheduler and only read by GET /fleet. Measures, at each size:
 * - the snapshot's refresh (the scheduled task, triggered and awaited: the 5 grouped queries,
 *   the alert snapshot, one catalog read of every claimant, the rows, the cache write) against
 *   the same 5 grouped queries sent directly, both through the same counting proxy;
 * - upstream requests per refresh (5 queries) and per read (0: the snapshot is in the cache);
 * - GET /fleet from the snapshot (the first page of 50, as the page loads it), its payload
 *   against the whole fleet's (every page of 200), 100 concurrent reads by 100 different users;
 * - one query set per entity (the fan-out of per-entity plugins), sequentially and 8 at a time.
 * Prints figures; asserts nothing.
 */
import {
  fleetBudgetQuery,
  fleetQueries,
  FleetResponse,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import type { StackEnv } from '@internal/monitoring-local-stack';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { FLEET_TASK, getOk, startBenchBackend } from './backend';
import {
  benchDir,
  countingProxy,
  DirectVmSelect,
  median,
  percentile,
} from './support';
import {
  deleteSynthetic,
  importSeries,
  NAMESPACE,
  serviceName,
  waitForRecorded,
} from './synthetic';

const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 10);
const READS = Number(process.env.BENCH_FLEET_READS ?? 50);
/** Entities of the per-entity fan-out actually run; the rest is extrapolated (it is linear). */
const FANOUT_SAMPLE = Number(process.env.BENCH_FLEET_FANOUT_SAMPLE ?? 500);

type Source = 'recording-rules' | 'raw';
type Proxy = Awaited<ReturnType<typeof countingProxy>>;

const mb = (bytes: number) =>
  bytes >= 2 ** 20
    ? `${(bytes / 2 ** 20).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

/** The fleet's five grouped queries, sent directly, in the order FleetDataSource sends them. */
async function directQueries(
  client: DirectVmSelect,
  source: Source,
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

/** Upstream requests counted by the proxy, by kind. */
function upstream(proxy: Proxy, vmPath: string) {
  const n = (p: string) => proxy.counts.get(`${vmPath}${p}`) ?? 0;
  return {
    queries: n('/api/v1/query') + n('/api/v1/query_range'),
    rules: n('/api/v1/rules'),
  };
}

/** The refresh (triggered, awaited) against the direct queries, alternating; median of ROUNDS. */
async function refreshVsDirect(
  env: StackEnv,
  proxy: Proxy,
  count: number,
  source: Source,
) {
  const vmPath = new URL(env.MONITORING_VMSELECT_URL).pathname;
  const backend = await startBenchBackend({
    services: count,
    vmselectUrl: `${proxy.url}${vmPath}`,
    env,
    source,
    runAtStartup: false,
  });
  const client = new DirectVmSelect(
    `${proxy.url}${vmPath}`,
    env.MONITORING_VMSELECT_USERNAME,
    env.MONITORING_VMSELECT_PASSWORD,
  );
  // The first refresh (VM's caches cold for these queries) and one direct set, untimed.
  const firstMs = await backend.refresh(FLEET_TASK);
  await directQueries(client, source);
  const refreshMs: number[] = [];
  const directMs: number[] = [];
  const perRefresh = { queries: 0, rules: 0 };
  const refresh = async () => {
    const u0 = upstream(proxy, vmPath);
    refreshMs.push(await backend.refresh(FLEET_TASK));
    const u1 = upstream(proxy, vmPath);
    perRefresh.queries += (u1.queries - u0.queries) / ROUNDS;
    perRefresh.rules += (u1.rules - u0.rules) / ROUNDS;
  };
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate the order so warm caches favour neither side.
    if (i % 2) {
      directMs.push(await directQueries(client, source));
      await refresh();
    } else {
      await refresh();
      directMs.push(await directQueries(client, source));
    }
  }
  return { backend, firstMs, refreshMs, directMs, perRefresh };
}

/** GET /fleet from the snapshot: the first page, every page of 200, concurrent distinct users. */
async function reads(env: StackEnv, proxy: Proxy, base: string) {
  const vmPath = new URL(env.MONITORING_VMSELECT_URL).pathname;
  const url = `${base}/fleet`;
  const first = await getOk(url);
  const body = JSON.parse(first.bytes.toString('utf8')) as FleetResponse;
  const u0 = upstream(proxy, vmPath);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const readMs: number[] = [];
  for (let i = 0; i < READS; i++) readMs.push((await getOk(url)).ms);
  global.gc?.();
  const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
  // The whole fleet, as pages of the largest size.
  let whole = { raw: 0, gzip: 0, pages: 0, rows: 0, ms: 0 };
  for (let page = 0; whole.rows < body.total; page++) {
    const r = await getOk(`${url}?pageSize=200&page=${page}`);
    const rows = (JSON.parse(r.bytes.toString('utf8')) as FleetResponse).rows;
    whole = {
      raw: whole.raw + r.bytes.length,
      gzip: whole.gzip + gzipSync(r.bytes).length,
      pages: whole.pages + 1,
      rows: whole.rows + rows.length,
      ms: whole.ms + r.ms,
    };
    if (!rows.length) break;
  }
  // 100 concurrent readers, each a different user (one user gets at most 6 in flight).
  const t = performance.now();
  const concurrent = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      getOk(url, `user:default/reader-${i}`),
    ),
  );
  const concurrentMs = performance.now() - t;
  const u1 = upstream(proxy, vmPath);
  return {
    body,
    bytes: first.bytes.length,
    gzip: gzipSync(first.bytes).length,
    readMs,
    heapGrowth,
    whole,
    concurrentMs,
    concurrentP95: percentile(
      concurrent.map(r => r.ms),
      95,
    ),
    upstreamDuringReads: u1.queries - u0.queries + u1.rules - u0.rules,
    readsCounted: READS + whole.pages + 100,
  };
}

async function measure(env: StackEnv, count: number) {
  const proxy = await countingProxy(
    new URL(env.MONITORING_VMSELECT_URL).origin,
  );
  const recorded = await waitForRecorded(env, count);
  console.log(
    `Fleet, ${count} services x 3 environments (refresh: median of ${ROUNDS}; read: median of ${READS}):`,
  );
  let read: Awaited<ReturnType<typeof reads>> | undefined;
  let mainRefresh = 0;
  for (const source of ['recording-rules', 'raw'] as Source[]) {
    if (source === 'recording-rules' && !recorded) {
      console.log(
        '  recording rules: vmalert had not recorded every synthetic service within 2 min; skipped',
      );
      continue;
    }
    const r = await refreshVsDirect(env, proxy, count, source);
    const refresh = median(r.refreshMs);
    const direct = median(r.directMs);
    mainRefresh ||= refresh;
    console.log(
      `  snapshot refresh from ${source}: ${ms(refresh)} (first ${ms(r.firstMs)}), the same 5 grouped queries sent directly ${ms(direct)}, ` +
        `ratio ${(refresh / direct).toFixed(2)}x; upstream per refresh: ${r.perRefresh.queries} queries + ${r.perRefresh.rules.toFixed(1)} vmalert rules fetches (the alert snapshot, cached 10 s)`,
    );
    if (!read) {
      read = await reads(env, proxy, r.backend.base);
      const cells = read.body.rows.reduce(
        (n, row) =>
          n +
          Object.values(row.cells).filter(c => c.requestRate !== null).length,
        0,
      );
      const sorted = [...read.readMs].sort((a, b) => a - b);
      console.log(
        `  GET /fleet from the snapshot (first page of ${read.body.pageSize}, ${read.body.total} rows in all, ${cells} cells with data on it): ` +
          `median ${ms(median(sorted))}, p95 ${ms(percentile(sorted, 95))}; ${read.upstreamDuringReads} upstream requests in ${read.readsCounted} reads ` +
          `(snapshot ${read.body.snapshot.ageSeconds} s old)`,
      );
      console.log(
        `  payload: first page ${mb(read.bytes)} (${mb(read.gzip)} gzipped); the whole fleet as ${read.whole.pages} pages of 200: ` +
          `${mb(read.whole.raw)} (${mb(read.whole.gzip)} gzipped, ${read.whole.rows} rows, ${ms(read.whole.ms)} for all pages); ` +
          `heap growth over ${READS} reads ${mb(Math.max(0, read.heapGrowth))}`,
      );
      console.log(
        `  100 concurrent reads by 100 different users: ${ms(read.concurrentMs)} in all (p95 ${ms(read.concurrentP95)})`,
      );
      fs.mkdirSync(benchDir, { recursive: true });
      fs.writeFileSync(
        path.join(benchDir, `fleet-${count}.json`),
        JSON.stringify(read.body),
      );
    }
    await r.backend.stop();
  }
  proxy.close();

  const client = DirectVmSelect.ofStack(env);
  const sequentialMs = await fanOut(client, count, 1);
  const parallelMs = await fanOut(client, count, 8);
  const sampled =
    count > FANOUT_SAMPLE
      ? ` (${FANOUT_SAMPLE} entities run, scaled to ${count})`
      : '';
  const vs = (x: number) =>
    `refresh ${(x / mainRefresh).toFixed(0)}x faster, a read ${(x / median(read!.readMs)).toFixed(0)}x`;
  console.log(
    `  one raw query set per entity${sampled}: sequential ${(sequentialMs / 1000).toFixed(1)} s (${vs(sequentialMs)}), ` +
      `8 at a time ${(parallelMs / 1000).toFixed(1)} s (${vs(parallelMs)}) (target: >= 20x at 5,000)`,
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
      await measure(env, size);
    }
  } finally {
    await deleteSynthetic(env);
  }
}
