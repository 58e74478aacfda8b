/**
 * Load benchmark (`npm run bench -- load`): many distinct signed-in users at once against one
 * backend with the real plugin, at 5,000 services x 3 environments (the synthetic fleet of
 * synthetic.ts; BENCH_LOAD_SERVICES to change).
 *
 * The backend runs in a process of its own (loadBackend.ts), refreshing the fleet's and the
 * stack's snapshots every 30 s; VMSelect and Alertmanager are reached through counting proxies
 * in this process, which also runs the virtual users. User i is `user:default/load-<i>` (so the
 * per-user in-flight limit of 6 never answers), in a closed loop for BENCH_LOAD_SECONDS per
 * level (default 60: two refresh periods): the fleet page (GET /fleet, its first page), think, an entity tab (GET .../metrics for
 * the last hour and GET .../alerts at once, as the tab loads them) of a random synthetic
 * service, think. Think time: uniform in [0.5, 1.5] x BENCH_LOAD_THINK_MS (default 1,000 ms),
 * far shorter than a person's, so the levels are heavier than as many people.
 *
 * BENCH_LOAD_PAGES=fleet (or tab) has the users open only that page, to tell their costs apart.
 * Levels BENCH_LOAD_USERS (1, 10, 50, 200), for each policy of BENCH_LOAD_POLICIES: `allow`
 * (everything allowed), then `owner` (a conditional isEntityOwner policy; each user opens the
 * tabs of its own group's services). Prints a table per level and the acceptance lines, and
 * writes everything to .bench/load-<date>.json (the backend's log to .bench/load-backend-*.log).
 * Asserts nothing.
 */
import { FleetResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import type { StackEnv } from '@internal/monitoring-local-stack';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BenchBackendOptions,
  FLEET_TASK,
  get,
  Reply,
  STACK_TASK,
} from './backend';
import type { RefreshRecord } from './loadBackend';
import { BackendProcess } from './loadProcess';
import {
  acceptance,
  formatLevel,
  LevelResult,
  pct,
  routeStats,
  Route,
  ROUTES,
  Sample,
  sender,
} from './loadReport';
import { loadUser, Policy } from './policies';
import { cpuBetween, CpuShares, readCpu } from './machine';
import { benchDir, countingProxy, percentile, sleep } from './support';
import {
  deleteSynthetic,
  importSeries,
  OWNER_GROUPS,
  serviceName,
  waitForRecorded,
} from './synthetic';

const SERVICES = Number(process.env.BENCH_LOAD_SERVICES ?? 5000);
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const THINK_MS = Number(process.env.BENCH_LOAD_THINK_MS ?? 1000);
const LEVELS = (process.env.BENCH_LOAD_USERS ?? '1,10,50,200')
  .split(',')
  .map(Number);
/** What a user opens: the fleet page and an entity tab (`fleet,tab`), or one of them. */
const PAGES = (process.env.BENCH_LOAD_PAGES ?? 'fleet,tab').split(',');
/** Seconds measured with no user before the levels (BENCH_LOAD_REST_SECONDS, 0 for none). */
const REST_SECONDS = Number(process.env.BENCH_LOAD_REST_SECONDS ?? 30);
const POLICIES = (process.env.BENCH_LOAD_POLICIES ?? 'allow,owner').split(
  ',',
) as Policy[];

const think = () => sleep(THINK_MS * (0.5 + Math.random()));
const randomInt = (n: number) => Math.floor(Math.random() * n);

/** The synthetic service user `i` opens: any one, or (policy owner) one its group owns. */
function pickService(policy: Policy, i: number): string {
  if (policy === 'allow') return serviceName(randomInt(SERVICES));
  const group = i % OWNER_GROUPS;
  return serviceName(
    group +
      OWNER_GROUPS * randomInt(Math.ceil((SERVICES - group) / OWNER_GROUPS)),
  );
}

interface LevelRun {
  samples: Sample[];
  tabViews: number;
  maxAge: number;
  stale: number;
}

/** One virtual user's closed loop until the deadline. */
async function virtualUser(
  base: string,
  policy: Policy,
  i: number,
  deadline: number,
  run: LevelRun,
) {
  const who = loadUser(i);
  const record = (route: Route, r: Reply) =>
    run.samples.push({ route, status: r.status, ms: r.ms });
  while (Date.now() < deadline) {
    if (PAGES.includes('fleet')) {
      const fleet = await get(`${base}/fleet`, who);
      record('fleet', fleet);
      if (fleet.status === 200) {
        const { snapshot } = JSON.parse(
          fleet.bytes.toString('utf8'),
        ) as FleetResponse;
        run.maxAge = Math.max(run.maxAge, snapshot.ageSeconds);
        if (snapshot.stale) run.stale++;
      }
      await think();
    }
    if (Date.now() >= deadline) break;
    if (!PAGES.includes('tab')) continue;
    const entity = `${base}/entity/component/default/${pickService(policy, i)}`;
    const to = new Date();
    const from = new Date(to.getTime() - 3600_000);
    const [metrics, alerts] = await Promise.all([
      get(
        `${entity}/metrics?from=${from.toISOString()}&to=${to.toISOString()}`,
        who,
      ),
      get(`${entity}/alerts`, who),
    ]);
    record('metrics', metrics);
    record('alerts', alerts);
    run.tabViews++;
    await think();
  }
}

const delta = (
  after: Map<string, number>,
  before: Map<string, number>,
  key: string,
) => (after.get(key) ?? 0) - (before.get(key) ?? 0);

async function runPolicy(
  env: StackEnv,
  policy: Policy,
  source: BenchBackendOptions['source'],
) {
  const vmPath = new URL(env.MONITORING_VMSELECT_URL).pathname;
  // When each fleet query reached the proxy: those inside a refresh's window are the refresh's.
  const fleetQueryTimes: number[] = [];
  const vm = await countingProxy(
    new URL(env.MONITORING_VMSELECT_URL).origin,
    (p, body) => {
      const from = sender(p, body);
      if (from === 'from:fleet') fleetQueryTimes.push(Date.now());
      return from;
    },
  );
  const am = await countingProxy(env.MONITORING_ALERTMANAGER_URL);
  fs.mkdirSync(benchDir, { recursive: true });
  const backend = new BackendProcess(
    path.join(benchDir, `load-backend-${policy}.log`),
  );
  const results: LevelResult[] = [];
  const allFleetRefreshes: RefreshRecord[] = [];
  let idleHeap: { liveHeapMiB: number; rssMiB: number } | undefined;
  let rest: CpuShares | undefined;
  try {
    const { base, startupMs } = await backend.start({
      services: SERVICES,
      vmselectUrl: `${vm.url}${vmPath}`,
      alertmanagerUrl: am.url,
      env: {
        MONITORING_VMSELECT_URL: env.MONITORING_VMSELECT_URL,
        MONITORING_VMSELECT_USERNAME: env.MONITORING_VMSELECT_USERNAME,
        MONITORING_VMSELECT_PASSWORD: env.MONITORING_VMSELECT_PASSWORD,
      },
      source,
      policy,
    });
    console.log(
      `Load (${PAGES.join(' and ')}), policy ${policy}: backend started in ${(startupMs / 1000).toFixed(1)} s (both snapshots taken at startup), ${SERVICES} services x 3 environments, ` +
        `${SECONDS} s per level, think time ${THINK_MS / 2}-${(THINK_MS * 3) / 2} ms`,
    );
    // The machine with the synthetic fleet and the backend's refreshes, before any user.
    const rest0 = await readCpu(env);
    await sleep(REST_SECONDS * 1000);
    rest = cpuBetween(rest0, await readCpu(env));
    console.log(
      `At rest (no user, ${REST_SECONDS} s; % of one core): machine ${pct(rest.machine)}, VictoriaMetrics ${pct(rest['victoria-metrics'])}, vmalert ${pct(rest.vmalert)}`,
    );
    for (const users of LEVELS) {
      await sleep(3000);
      const before = { vm: new Map(vm.counts), am: new Map(am.counts) };
      const cpu0 = await readCpu(env);
      const u0 = await backend.usage();
      const t0 = Date.now();
      const run: LevelRun = { samples: [], tabViews: 0, maxAge: 0, stale: 0 };
      const deadline = t0 + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: users }, (_, i) =>
          virtualUser(base, policy, i, deadline, run),
        ),
      );
      const u1 = await backend.usage(true);
      const t1 = Date.now();
      const after = { vm: new Map(vm.counts), am: new Map(am.counts) };
      const cpu1 = await readCpu(env);
      // A refresh still running belongs to this level: wait for its record.
      for (let last = u1; last.running.length;) {
        await sleep(200);
        last = await backend.usage();
        u1.refreshes.push(...last.refreshes);
      }
      const seconds = (t1 - t0) / 1000;
      const counts: Record<string, number> = {
        query: delta(after.vm, before.vm, `${vmPath}/api/v1/query`),
        query_range: delta(after.vm, before.vm, `${vmPath}/api/v1/query_range`),
        rules: delta(after.vm, before.vm, `${vmPath}/api/v1/rules`),
        'am-alerts': delta(after.am, before.am, '/api/v2/alerts'),
        'am-silences': delta(after.am, before.am, '/api/v2/silences'),
      };
      for (const key of [
        'from:fleet',
        'from:stack',
        'from:entity',
        'from:other',
        'proxy-error',
      ])
        counts[key] = delta(after.vm, before.vm, key);
      const refreshes = (task: string) =>
        u1.refreshes.filter((r: RefreshRecord) => r.task === task);
      const fleetRefreshes = refreshes(FLEET_TASK);
      allFleetRefreshes.push(...fleetRefreshes);
      const within = (rs: RefreshRecord[]) => (t: number) =>
        rs.some(r => t >= r.at - 50 && t <= r.at + r.ms + 50);
      // The queries of this level's refreshes, and fleet queries sent in the level by no refresh.
      const inRefreshes = fleetQueryTimes.filter(within(fleetRefreshes)).length;
      const outside = fleetQueryTimes.filter(
        t => t >= t0 && t <= t1 && !within(allFleetRefreshes)(t),
      ).length;
      const cpuMs =
        (u1.cpu.user - u0.cpu.user + u1.cpu.system - u0.cpu.system) / 1000;
      const summary = (rs: RefreshRecord[]) => ({
        count: rs.length,
        p50: percentile(
          rs.map(r => r.ms),
          50,
        ),
        max: rs.length ? Math.max(...rs.map(r => r.ms)) : NaN,
      });
      const result: LevelResult = {
        policy,
        users,
        seconds,
        routes: Object.fromEntries(
          ROUTES.map(r => [r, routeStats(run.samples, r)]),
        ) as LevelResult['routes'],
        upstreamCounts: counts,
        upstreamPerMinute: Object.fromEntries(
          Object.entries(counts).map(([k, v]) => [k, (v * 60) / seconds]),
        ),
        fleetQueriesPerRefresh: fleetRefreshes.length
          ? inRefreshes / fleetRefreshes.length
          : null,
        fleetQueriesOutsideRefreshes: outside,
        entityQueriesPerTab: run.tabViews
          ? counts['from:entity'] / run.tabViews
          : 0,
        refreshes: {
          fleet: summary(fleetRefreshes),
          stack: summary(refreshes(STACK_TASK)),
        },
        snapshotMaxAgeSeconds: run.maxAge,
        staleAnswers: run.stale,
        backend: {
          cpuPercent: (cpuMs / (t1 - t0)) * 100,
          heapUsedMiB: u1.memory.heapUsed / 2 ** 20,
          liveHeapMiB: (u1.liveHeap ?? NaN) / 2 ** 20,
          rssMiB: u1.memory.rss / 2 ** 20,
          eventLoopDelayMs: u1.eventLoop,
        },
        cpu: cpuBetween(cpu0, cpu1),
      };
      results.push(result);
      console.log(formatLevel(result));
      if (outside)
        console.log(
          `  ${outside} fleet queries outside any refresh (reads should send none)`,
        );
    }
    // 20 s after the last request every cached range (15 s) has expired: what is kept then.
    await sleep(20_000);
    const idle = await backend.usage(true);
    idleHeap = {
      liveHeapMiB: (idle.liveHeap ?? NaN) / 2 ** 20,
      rssMiB: idle.memory.rss / 2 ** 20,
    };
    console.log(
      `  20 s after the last request (every cached range expired): live heap ${idleHeap.liveHeapMiB.toFixed(0)} MiB after a GC, RSS ${idleHeap.rssMiB.toFixed(0)} MiB`,
    );
  } finally {
    await backend.stop();
    vm.close();
    am.close();
  }
  // The logger's entries start with its labels (`plugin=monitoring,... message`).
  const entries = fs
    .readFileSync(backend.log, 'utf8')
    .split('\n')
    .filter(l => /^\w+=/.test(l));
  const failed = entries.filter(l =>
    /refreshing the (fleet|stack) failed/.test(l),
  );
  const requestErrors = entries.filter(l =>
    /Request failed with status/.test(l),
  );
  console.log(
    `  backend log ${path.relative(process.cwd(), backend.log)}: ${entries.length} entries, ${requestErrors.length} of them failed requests, ` +
      `${failed.length} failed refreshes${failed.length ? ` (first: ${failed[0]})` : ''}`,
  );
  console.log(`Acceptance (policy ${policy}):`);
  for (const line of acceptance(results)) console.log(line);
  return { levels: results, idleHeap, rest };
}

export async function benchLoad(env: StackEnv) {
  const results: Record<string, Awaited<ReturnType<typeof runPolicy>>> = {};
  try {
    const added = await importSeries(env.MONITORING_VM_DIRECT_URL, 0, SERVICES);
    console.log(
      `  imported ${added.series} series (${SERVICES} services) in ${added.seconds.toFixed(1)} s`,
    );
    // The plugin's default source (auto) reads the recording rules: wait for vmalert to record these.
    const recorded = await waitForRecorded(env, SERVICES);
    const source = recorded ? 'auto' : 'raw';
    if (!recorded)
      console.log(
        '  vmalert had not recorded every synthetic service within 2 min: the fleet reads the raw series',
      );
    for (const policy of POLICIES)
      results[policy] = await runPolicy(env, policy, source);
  } finally {
    await deleteSynthetic(env);
  }
  fs.mkdirSync(benchDir, { recursive: true });
  const file = path.join(
    benchDir,
    `load-${new Date().toISOString().slice(0, 10)}${PAGES.join(',') === 'fleet,tab' ? '' : `-${PAGES.join('-')}`}.json`,
  );
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        at: new Date().toISOString(),
        machine: { cpus: os.cpus().length, loadavg: os.loadavg() },
        config: {
          services: SERVICES,
          seconds: SECONDS,
          thinkMs: THINK_MS,
          levels: LEVELS,
          policies: POLICIES,
          pages: PAGES,
        },
        results,
      },
      null,
      2,
    ),
  );
  console.log(`  written to ${path.relative(process.cwd(), file)}`);
}
