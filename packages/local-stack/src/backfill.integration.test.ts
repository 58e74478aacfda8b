/**
 * Integration: the demo's past imported into a real VictoriaMetrics (a throwaway one on a free
 * port, with a long retention), read back with the SLI expressions of the SLO contract. The
 * 30-day error ratios must be the analytic ones of the demo's profiles and incident, the live
 * series must continue the backfilled ones without a spike at the seam, and a second start must
 * not import anything twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  budgetRemaining,
  sloErrorRatioQuery,
  SloObjective,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { BACKFILL_STAMP, backfillDemoHistory, BackfillStamp } from './backfill';
import {
  BackfillPlan,
  demoErrorRatio,
  sampleTimestamps,
} from './backfillSeries';
import { BIN } from './binaries';
import { ensureComponents } from './components';
import { podMetrics, podsByEnvironment } from './demoSeries.mjs';
import {
  DEMO_INCIDENTS,
  DEMO_SERVICES,
  demoServicesDocument,
} from './demoServices';
import { ENVIRONMENTS } from './environments';
import { freePort, httpRequest } from './http';
import { stackPaths } from './paths';
import { stopProcess } from './procControl';
import { ProcessSpec } from './processes';
import { startStage } from './start';
import { POD_SCRAPE_JOB, podInstance } from './vmagentConfig';

jest.setTimeout(180_000);

const DAY = 86_400_000;
const SCRAPE_MS = 15_000;
/** The live part written after the past: 10 minutes of scrapes. */
const LIVE_SCRAPES = 40;

let dir: string;
let spec: ProcessSpec;
let vmUrl: string;
let stampFile: string;
let plan: BackfillPlan;
/** The last live sample: the queries' evaluation time. */
let evalMs: number;
/** The backfill's wall-clock start, an hour back so everything is in the past. */
const nowMs = Date.now() - 3_600_000;

async function query(expr: string, atMs = evalMs) {
  const res = await httpRequest(`${vmUrl}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      query: expr,
      time: String(atMs / 1000),
    }).toString(),
    timeoutMs: 30_000,
  });
  expect(res.status).toBe(200);
  return JSON.parse(res.body).data.result as {
    metric: Record<string, string>;
    value: [number, string];
  }[];
}

/** One value per environment of an expression grouped by namespace and environment. */
async function byEnvironment(expr: string): Promise<Record<string, number>> {
  return Object.fromEntries(
    (await query(expr)).map(r => [r.metric.environment, Number(r.value[1])]),
  );
}

const slo = (service: string, objective: SloObjective, window = '30d') =>
  sloErrorRatioQuery({
    profile: 'http',
    matchers: [
      { name: 'service', op: '=', value: service },
      { name: 'namespace', op: '=', value: 'shop' },
    ],
    objective,
    window,
  });

const profile = (service: string) =>
  DEMO_SERVICES.find(s => s.name === service)!.profiles.production;

/**
 * What the demo exporter would have served for payments' production pods from just after the
 * past, scraped every 15 s: its own exposition text (demoSeries.mjs), with the labels a spoke
 * adds, imported with explicit timestamps.
 */
async function writeLiveScrapes(liveStartMs: number) {
  const pods = podsByEnvironment(demoServicesDocument())
    .get('production')!
    .filter(p => p.service === 'payments');
  const env = ENVIRONMENTS.find(e => e.name === 'production')!;
  const exporterStartMs = liveStartMs - 5_000;
  const lines: string[] = [];
  for (const p of pods) {
    const base = {
      cluster: env.cluster,
      environment: env.name,
      namespace: p.namespace,
      pod: p.pod,
      container: p.service,
      service: p.service,
      job: POD_SCRAPE_JOB,
      instance: podInstance(p.pod),
    };
    const series = new Map<string, { metric: any; values: number[] }>();
    const timestamps: number[] = [];
    for (let k = 0; k < LIVE_SCRAPES; k++) {
      const t = liveStartMs + k * SCRAPE_MS;
      timestamps.push(t);
      const text = podMetrics(
        p,
        (t - exporterStartMs) / 1000,
        exporterStartMs / 1000,
      );
      for (const line of text.split('\n')) {
        const m =
          /^(http_requests_total|http_request_duration_seconds_bucket)\{(.*)\} (\S+)$/.exec(
            line,
          );
        if (!m) continue;
        const labels = Object.fromEntries(
          [...m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(l => [
            l[1],
            l[2],
          ]),
        );
        const metric = { __name__: m[1], ...base, ...labels };
        const key = JSON.stringify(metric);
        const s = series.get(key) ?? { metric, values: [] };
        s.values.push(Number(m[3]));
        series.set(key, s);
      }
    }
    for (const s of series.values())
      lines.push(JSON.stringify({ ...s, timestamps }));
  }
  const res = await httpRequest(`${vmUrl}/api/v1/import`, {
    method: 'POST',
    body: `${lines.join('\n')}\n`,
    timeoutMs: 30_000,
  });
  expect(res.status).toBe(204);
  return liveStartMs + (LIVE_SCRAPES - 1) * SCRAPE_MS;
}

async function flush() {
  for (const p of ['/internal/force_flush', '/internal/resetRollupResultCache'])
    expect((await httpRequest(`${vmUrl}${p}`)).status).toBeLessThan(300);
}

const readStamp = (): BackfillStamp =>
  JSON.parse(fs.readFileSync(stampFile, 'utf8'));

beforeAll(async () => {
  ensureComponents(() => {});
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backfill-test-'));
  const port = await freePort();
  const data = path.join(dir, 'victoria-metrics');
  const listen = `-httpListenAddr=127.0.0.1:${port}`;
  spec = {
    name: 'victoria-metrics',
    command: BIN.victoriaMetrics,
    // As the stack runs it, but keeping everything: the past reaches 30 days back.
    args: [
      listen,
      `-storageDataPath=${data}`,
      '-retentionPeriod=100y',
      '-dedup.minScrapeInterval=15s',
      '-search.latencyOffset=5s',
    ],
    port,
    healthPath: '/health',
    stage: 0,
    identity: [listen],
    dirs: [data],
    reloadsOnSighup: false,
  };
  await startStage(
    stackPaths(dir),
    [spec],
    new Set(),
    Date.now() + 60_000,
    () => {},
  );
  vmUrl = `http://127.0.0.1:${port}`;
  stampFile = path.join(data, BACKFILL_STAMP);

  const t0 = Date.now();
  const outcome = await backfillDemoHistory({
    vmUrl,
    stampFile,
    nowMs,
    retentionMs: 100 * 365 * DAY,
  });
  const seconds = (Date.now() - t0) / 1000;
  if (!outcome.imported || !outcome.stamp.plan)
    throw new Error(`nothing imported: ${outcome.summary}`);
  plan = outcome.stamp.plan;
  // eslint-disable-next-line no-console
  console.log(`${outcome.summary} (measured ${seconds.toFixed(1)} s)`);
  evalMs = await writeLiveScrapes(plan.toMs + 2 * SCRAPE_MS);
  await flush();
});

afterAll(async () => {
  if (spec) await stopProcess(stackPaths(dir), spec);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the demo backfill in a real VictoriaMetrics', () => {
  it('imports 30 days of every demo series and stamps it', async () => {
    expect(plan.toMs).toBeLessThan(nowMs);
    expect(nowMs - plan.fromMs).toBeLessThanOrEqual(30 * DAY);
    expect(nowMs - plan.fromMs).toBeGreaterThan(30 * DAY - 600_000);
    const stamp = readStamp();
    expect(stamp).toMatchObject({ state: 'done', series: 960, plan });
    expect(stamp.samples).toBe(960 * sampleTimestamps(plan).length);
    const [{ value }] = await query(
      'count(count_over_time({__name__=~"http_requests_total|http_request_duration_seconds_bucket"}[31d]))',
    );
    expect(Number(value[1])).toBe(960);
  });

  it("reads payments' 30-day error ratio in production as the demo's (27 healthy days, 3 at 20 %)", async () => {
    const incident = DEMO_INCIDENTS.find(i => i.service === 'payments')!;
    expect(incident.startedAgoMs).toBe(3 * DAY);
    const availability = await byEnvironment(
      slo('payments', { slo: 'availability', target: 0.999 }),
    );
    const expected = (27 * 0.005 + 3 * 0.2) / 30; // 0.0245
    expect(Math.abs(availability.production / expected - 1)).toBeLessThan(0.01);
    expect(budgetRemaining(availability.production, 0.999)).toBeLessThan(-20);

    const latencyObjective = {
      slo: 'latency' as const,
      target: 0.99,
      thresholdSeconds: 1,
    };
    const latency = await byEnvironment(slo('payments', latencyObjective));
    const expectedLatency =
      (27 * demoErrorRatio('payments', incident.before, latencyObjective) +
        3 * demoErrorRatio('payments', profile('payments'), latencyObjective)) /
      30; // 0.0263
    expect(Math.abs(latency.production / expectedLatency - 1)).toBeLessThan(
      0.01,
    );
    // Elsewhere payments has no incident: its current profile throughout.
    expect(availability.staging).toBeCloseTo(0.006, 4);
    expect(availability.dev).toBeCloseTo(0.008, 4);
  });

  it('leaves checkout and inventory healthy in production', async () => {
    const checkout = await byEnvironment(
      slo('checkout', { slo: 'availability', target: 0.99 }),
    );
    expect(checkout.production).toBeCloseTo(0.003, 4);
    expect(budgetRemaining(checkout.production, 0.99)).toBeGreaterThan(0.5);
    expect(budgetRemaining(checkout.production, 0.99)).toBeCloseTo(0.7, 2);
    const checkoutLatency = await byEnvironment(
      slo('checkout', { slo: 'latency', target: 0.99, thresholdSeconds: 0.5 }),
    );
    expect(budgetRemaining(checkoutLatency.production, 0.99)).toBeCloseTo(
      0.984,
      2,
    );
    const inventory = await byEnvironment(
      slo('inventory', { slo: 'availability', target: 0.995 }),
    );
    expect(budgetRemaining(inventory.production, 0.995)).toBeCloseTo(0.6, 2);
  });

  it('burns at 200x in production over the last day and three days (the ticket windows)', async () => {
    for (const window of ['1d', '3d']) {
      const ratio = await byEnvironment(
        slo('payments', { slo: 'availability', target: 0.999 }, window),
      );
      expect(ratio.production).toBeCloseTo(0.2, 2);
    }
    // Six days back the incident covers half the window.
    const sixDays = await byEnvironment(
      slo('payments', { slo: 'availability', target: 0.999 }, '6d'),
    );
    expect(sixDays.production).toBeCloseTo((3 * 0.005 + 3 * 0.2) / 6, 2);
  });

  it('continues into the live series without a spike at the seam', async () => {
    const selector =
      'http_requests_total{service="payments",environment="production"}';
    const rate = profile('payments').requestRate;
    // The live counters start again from 0: one reset per series, as a pod restart.
    const [{ value: resets }] = await query(`max(resets(${selector}[1h]))`);
    expect(Number(resets[1])).toBe(1);
    for (const window of ['5m', '1h', '2h', '1d', '30d']) {
      const [{ value }] = await query(`sum(rate(${selector}[${window}]))`);
      expect(Number(value[1])).toBeGreaterThan(rate * 0.85);
      expect(Number(value[1])).toBeLessThan(rate * 1.15);
    }
    // Every 2-minute rate from an hour before the seam to the end of the live part.
    const res = await httpRequest(
      `${vmUrl}/api/v1/query_range?${new URLSearchParams({
        query: `sum(rate(${selector}[2m]))`,
        start: String((plan.toMs - 3_600_000) / 1000),
        end: String(evalMs / 1000),
        step: '15',
      })}`,
      { timeoutMs: 30_000 },
    );
    const values: number[] = JSON.parse(res.body).data.result[0].values.map(
      (v: [number, string]) => Number(v[1]),
    );
    expect(values.length).toBeGreaterThan(250);
    // A misread reset would read millions per second, other labels twice the rate.
    expect(Math.max(...values)).toBeLessThan(rate * 1.25);
    // The windows over the seam miss the ~25 s nobody served (the 30 s gap less the 5 s the
    // exporter ran before its first scrape): ~80 % of 120 s, times the load cycles' -10 %.
    expect(Math.min(...values)).toBeGreaterThan(rate * 0.65);
  });

  it('imports nothing twice: a second start skips, an interrupted one writes the same samples again', async () => {
    const count = async () =>
      Number(
        (
          await query(
            'sum(count_over_time(http_requests_total{environment="production"}[31d]))',
          )
        )[0].value[1],
      );
    const before = await count();
    const again = await backfillDemoHistory({ vmUrl, stampFile });
    expect(again.imported).toBe(false);
    expect(again.summary).toMatch(/^Demo history already imported/);

    // An import cut short leaves `importing`: the next start imports the same plan.
    const done = readStamp();
    fs.writeFileSync(
      stampFile,
      JSON.stringify({
        version: done.version,
        state: 'importing',
        plan: done.plan,
      }),
    );
    const retried = await backfillDemoHistory({ vmUrl, stampFile });
    expect(retried.imported).toBe(true);
    expect(retried.stamp.plan).toEqual(plan);
    await flush();
    expect(await count()).toBe(before);
    const ratio = await byEnvironment(
      slo('payments', { slo: 'availability', target: 0.999 }),
    );
    expect(
      Math.abs(ratio.production / ((27 * 0.005 + 3 * 0.2) / 30) - 1),
    ).toBeLessThan(0.01);

    // A data dir whose live data already reaches back over the period needs nothing.
    const other = path.join(dir, 'other-stamp.json');
    const fresh = await backfillDemoHistory({ vmUrl, stampFile: other });
    expect(fresh.imported).toBe(false);
    expect(JSON.parse(fs.readFileSync(other, 'utf8'))).toEqual({
      version: done.version,
      state: 'done',
      plan: null,
    });
  });
});
