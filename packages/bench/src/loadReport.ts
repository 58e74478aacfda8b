/**
 * The load benchmark's figures: per route latency percentiles and errors, upstream requests per
 * minute by kind and by sender, the backend process's CPU and memory; the table printed per
 * level and the acceptance lines.
 */
import {
  fleetBudgetQuery,
  fleetQueries,
  stackQueries,
  stackTrendQueries,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { percentile } from './support';

export const ROUTES = ['fleet', 'metrics', 'alerts'] as const;
export type Route = (typeof ROUTES)[number];

export interface Sample {
  route: Route;
  status: number;
  ms: number;
}

export interface RouteStats {
  count: number;
  /** Answers other than 200, by status (0: no answer). */
  errors: Record<string, number>;
  /** Of the 200 answers, ms. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LevelResult {
  policy: string;
  users: number;
  /** Wall time of the level, from the first request to the last answer. */
  seconds: number;
  routes: Record<Route, RouteStats>;
  /** Upstream requests per minute: by path (query, query_range, rules, am alerts, am silences) and by sender. */
  upstreamPerMinute: Record<string, number>;
  /** The same, counted over the level. */
  upstreamCounts: Record<string, number>;
  /** Fleet queries per fleet refresh in this level (5 expected). */
  fleetQueriesPerRefresh: number | null;
  /** Fleet queries sent during the level by no refresh (GET /fleet should send none). */
  fleetQueriesOutsideRefreshes: number;
  /** Entity-tab range queries per tab view (7 per view without a cache hit). */
  entityQueriesPerTab: number;
  refreshes: Record<
    'fleet' | 'stack',
    { count: number; p50: number; max: number }
  >;
  /** The oldest snapshot any fleet answer carried, and how many were stale. */
  snapshotMaxAgeSeconds: number;
  staleAnswers: number;
  backend: {
    /** Of one core, over the level's wall time. */
    cpuPercent: number;
    heapUsedMiB: number;
    /** After a full GC. */
    liveHeapMiB: number;
    rssMiB: number;
    /** How late its event loop ran during the level (a synchronous stretch delays every request). */
    eventLoopDelayMs: { p50: number; p99: number; max: number };
  };
  /** % of one core: the machine, the stack's processes, this process (users and proxies). */
  cpu: Record<string, number | null>;
}

export function routeStats(samples: Sample[], route: Route): RouteStats {
  const mine = samples.filter(s => s.route === route);
  const ok = mine.filter(s => s.status === 200).map(s => s.ms);
  const errors: Record<string, number> = {};
  for (const s of mine)
    if (s.status !== 200) errors[s.status] = (errors[s.status] ?? 0) + 1;
  return {
    count: mine.length,
    errors,
    p50: percentile(ok, 50),
    p95: percentile(ok, 95),
    p99: percentile(ok, 99),
    max: ok.length ? Math.max(...ok) : NaN,
  };
}

const FLEET_SET = new Set([
  ...Object.values(fleetQueries('recording-rules')),
  ...Object.values(fleetQueries('raw')),
  fleetBudgetQuery(),
]);
const STACK_SET = new Set([
  ...Object.values(stackQueries()),
  ...Object.values(stackTrendQueries()),
]);

/**
 * Which part of the plugin sent a VMSelect query (the counting proxy's classifier): the fleet's
 * snapshot, the stack's snapshot, an entity tab (a synthetic service's selector), or other.
 */
export function sender(urlPath: string, body: string): string | undefined {
  if (!/\/api\/v1\/query(_range)?$/.test(urlPath)) return undefined;
  const query = new URLSearchParams(body).get('query') ?? '';
  if (FLEET_SET.has(query)) return 'from:fleet';
  if (STACK_SET.has(query)) return 'from:stack';
  if (query.includes('bench-svc-')) return 'from:entity';
  return 'from:other';
}

const n = (x: number) => (Number.isFinite(x) ? x.toFixed(x < 10 ? 1 : 0) : '-');
const pad = (s: string, w: number) => s.padStart(w);
export const pct = (x: number | null | undefined) =>
  typeof x === 'number' ? `${x.toFixed(0)}%` : '-';

export function formatLevel(r: LevelResult): string {
  const lines = [
    `${r.users} concurrent user${r.users > 1 ? 's' : ''} (policy ${r.policy}), ${r.seconds.toFixed(0)} s:`,
    `  ${'route'.padEnd(8)}${pad('count', 7)}${pad('req/s', 7)}${pad('p50 ms', 9)}${pad('p95 ms', 9)}${pad('p99 ms', 9)}${pad('max ms', 9)}  errors`,
  ];
  for (const route of ROUTES) {
    const s = r.routes[route];
    const errors = Object.entries(s.errors)
      .map(
        ([status, count]) =>
          `${count} x ${status === '0' ? 'no answer' : `HTTP ${status}`}`,
      )
      .join(', ');
    lines.push(
      `  ${route.padEnd(8)}${pad(String(s.count), 7)}${pad((s.count / r.seconds).toFixed(1), 7)}${pad(n(s.p50), 9)}${pad(n(s.p95), 9)}${pad(n(s.p99), 9)}${pad(n(s.max), 9)}  ${errors || 'none'}`,
    );
  }
  const u = r.upstreamPerMinute;
  const f = (k: string) => n(u[k] ?? 0);
  lines.push(
    `  upstream per minute: query ${f('query')}, query_range ${f('query_range')}, vmalert rules ${f('rules')}, Alertmanager alerts ${f('am-alerts')} + silences ${f('am-silences')}; ` +
      `by sender: fleet snapshot ${f('from:fleet')}, stack snapshot ${f('from:stack')}, entity tabs ${f('from:entity')}${u['from:other'] ? `, other ${f('from:other')}` : ''}`,
    `  per fleet refresh ${r.fleetQueriesPerRefresh ?? '-'} queries; per tab view ${r.entityQueriesPerTab.toFixed(1)} range queries; ` +
      `refreshes: fleet ${r.refreshes.fleet.count} (median ${n(r.refreshes.fleet.p50)} ms, max ${n(r.refreshes.fleet.max)} ms), stack ${r.refreshes.stack.count} (median ${n(r.refreshes.stack.p50)} ms); ` +
      `oldest snapshot served ${r.snapshotMaxAgeSeconds} s${r.staleAnswers ? `, ${r.staleAnswers} stale answers` : ''}`,
    `  backend process: CPU ${r.backend.cpuPercent.toFixed(0)}% of one core, heap used ${r.backend.heapUsedMiB.toFixed(0)} MiB (${n(r.backend.liveHeapMiB)} MiB live after a GC), RSS ${r.backend.rssMiB.toFixed(0)} MiB, ` +
      `event loop delay p50 ${n(r.backend.eventLoopDelayMs.p50)} / p99 ${n(r.backend.eventLoopDelayMs.p99)} / max ${n(r.backend.eventLoopDelayMs.max)} ms; ` +
      `meanwhile (% of one core, 2 cores = 200%): machine ${pct(r.cpu.machine)}, VictoriaMetrics ${pct(r.cpu['victoria-metrics'])}, vmalert ${pct(r.cpu.vmalert)}, vmauth ${pct(r.cpu.vmauth)}, load generator and proxies ${pct(r.cpu.generator)}`,
  );
  return lines.join('\n');
}

const verdict = (met: boolean) => (met ? 'MET' : 'NOT MET');

/** The issue's acceptance lines, from the levels of one policy. */
export function acceptance(levels: LevelResult[]): string[] {
  const lines: string[] = [];
  const at50 = levels.find(l => l.users === 50);
  if (at50) {
    const p95 = at50.routes.fleet.p95;
    const errors = Object.values(at50.routes.fleet.errors).reduce(
      (a, b) => a + b,
      0,
    );
    lines.push(
      `  fleet p95 with 50 concurrent distinct users: ${n(p95)} ms (${errors} errors) - target < 200 ms: ${verdict(p95 < 200 && errors === 0)}`,
    );
  }
  const perRefresh = levels
    .map(l => l.fleetQueriesPerRefresh)
    .filter((x): x is number => x !== null);
  const snapshotPerMinute = levels.map(
    l =>
      (l.upstreamPerMinute['from:fleet'] ?? 0) +
      (l.upstreamPerMinute['from:stack'] ?? 0),
  );
  const rules = levels.map(l => l.upstreamPerMinute.rules ?? 0);
  const fixed =
    perRefresh.length > 0 && perRefresh.every(x => x === perRefresh[0]);
  // At most one alert snapshot read per 10 s (its cache lifetime), however many users.
  const rulesBounded = levels.every(
    l => (l.upstreamCounts.rules ?? 0) <= Math.ceil(l.seconds / 10) + 1,
  );
  lines.push(
    `  upstream queries independent of the number of users: fleet ${perRefresh.join(' / ')} queries per refresh, ` +
      `snapshots ${snapshotPerMinute.map(n).join(' / ')} queries a minute, vmalert ${rules.map(n).join(' / ')} fetches a minute ` +
      `at ${levels.map(l => l.users).join(' / ')} users (GET /fleet itself sends none) - ${perRefresh.length ? verdict(fixed && rulesBounded && levels.every(l => l.fleetQueriesOutsideRefreshes === 0)) : 'no refresh during the levels'}` +
      `; entity tabs ${levels.map(l => l.entityQueriesPerTab.toFixed(1)).join(' / ')} range queries per view: per view, not per user count`,
  );
  return lines;
}
