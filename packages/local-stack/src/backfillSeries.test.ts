import {
  LABELS,
  RelabelRule,
  spokeExternalLabels,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  BACKFILL_FINE_SPAN_MS,
  BACKFILL_FINE_STEP_MS,
  BACKFILL_STEP_MS,
  BackfillPlan,
  BackfillSeries,
  backfillSeries,
  demoErrorRatio,
  importLine,
  planBackfill,
  RETENTION_MARGIN_MS,
  sampleTimestamps,
  timestampsJson,
} from './backfillSeries';
import { DEMO_INCIDENTS, DEMO_SERVICES, demoPodsFor } from './demoServices';
import { ENVIRONMENTS } from './environments';
import { POD_SCRAPE_JOB, vmagentScrapeConfig } from './vmagentConfig';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEARS = 100 * 365 * DAY;
/** An instant that is not aligned to any step. */
const NOW = Date.UTC(2026, 11, 7, 14, 43, 21, 500);

const plan30d = planBackfill({
  nowMs: NOW,
  retentionMs: YEARS,
  gapMs: 30_000,
})!;
const all = [...backfillSeries(plan30d)];
const timestamps = sampleTimestamps(plan30d);

const find = (labels: Record<string, string>): BackfillSeries[] =>
  all.filter(s => Object.entries(labels).every(([k, v]) => s.metric[k] === v));
const indexAt = (ms: number) => timestamps.findIndex(t => t >= ms);

/** Requests (or bucket counts) of the matching series between two sample indexes. */
function increase(labels: Record<string, string>, from: number, to: number) {
  return find(labels).reduce((n, s) => n + s.values[to] - s.values[from], 0);
}

describe('the backfill plan', () => {
  it('covers the 30 days before now, every 10 minutes and every minute over the last 26 hours', () => {
    expect(plan30d.fromMs).toBe(
      Math.ceil((NOW - 30 * DAY) / BACKFILL_STEP_MS) * BACKFILL_STEP_MS,
    );
    expect(plan30d.fromMs - (NOW - 30 * DAY)).toBeLessThan(BACKFILL_STEP_MS);
    // Two scrape intervals (30 s) before now, on the minute.
    expect(plan30d.toMs).toBe(Date.UTC(2026, 11, 7, 14, 42));
    expect(plan30d.toMs - plan30d.fineFromMs).toBeGreaterThanOrEqual(
      BACKFILL_FINE_SPAN_MS,
    );
    expect(plan30d.toMs - plan30d.fineFromMs).toBeLessThan(
      BACKFILL_FINE_SPAN_MS + BACKFILL_STEP_MS,
    );

    expect(timestamps[0]).toBe(plan30d.fromMs);
    expect(timestamps[timestamps.length - 1]).toBe(plan30d.toMs);
    const steps = new Map<number, number>();
    for (let i = 1; i < timestamps.length; i++) {
      const step = timestamps[i] - timestamps[i - 1];
      steps.set(step, (steps.get(step) ?? 0) + 1);
      // Coarse before fineFromMs, fine from it.
      expect(step).toBe(
        timestamps[i] <= plan30d.fineFromMs
          ? BACKFILL_STEP_MS
          : BACKFILL_FINE_STEP_MS,
      );
    }
    expect([...steps.keys()].sort((a, b) => a - b)).toEqual([
      BACKFILL_FINE_STEP_MS,
      BACKFILL_STEP_MS,
    ]);
    // 28 d 22 h of 10-minute samples and 26 h (plus up to 10 min) of 1-minute ones.
    expect(timestamps.length).toBeGreaterThan(5700);
    expect(timestamps.length).toBeLessThan(5750);
  });

  it('ends two scrape intervals before the first live sample', () => {
    const live = NOW - 5 * DAY + 7_000;
    const plan = planBackfill({
      nowMs: NOW,
      liveStartMs: live,
      retentionMs: YEARS,
      gapMs: 30_000,
    })!;
    expect(plan.toMs).toBeLessThanOrEqual(live - 30_000);
    expect(live - 30_000 - plan.toMs).toBeLessThan(BACKFILL_FINE_STEP_MS);
    expect(plan.fromMs).toBe(plan30d.fromMs);
    // A live sample later than now changes nothing.
    expect(
      planBackfill({
        nowMs: NOW,
        liveStartMs: NOW + HOUR,
        retentionMs: YEARS,
        gapMs: 30_000,
      }),
    ).toEqual(plan30d);
  });

  it('stays inside the retention, which VictoriaMetrics enforces on import', () => {
    const plan = planBackfill({
      nowMs: NOW,
      retentionMs: 15 * DAY,
      gapMs: 30_000,
    })!;
    expect(plan.fromMs).toBeGreaterThanOrEqual(
      NOW - 15 * DAY + RETENTION_MARGIN_MS,
    );
    expect(plan.fromMs - (NOW - 15 * DAY + RETENTION_MARGIN_MS)).toBeLessThan(
      BACKFILL_STEP_MS,
    );
    expect(plan.toMs).toBe(plan30d.toMs);
  });

  it('has nothing to do when the live data reaches back over the period', () => {
    expect(
      planBackfill({
        nowMs: NOW,
        liveStartMs: NOW - 30 * DAY,
        retentionMs: YEARS,
        gapMs: 30_000,
      }),
    ).toBeUndefined();
  });
});

describe('the backfilled series', () => {
  it('are the live ones: every request counter and duration bucket of every demo pod', () => {
    const requests = find({ __name__: 'http_requests_total' });
    const buckets = find({ __name__: 'http_request_duration_seconds_bucket' });
    // Per pod: 4 codes per route, 12 buckets (11 boundaries and +Inf) per route.
    const routes = DEMO_SERVICES.reduce((n, s) => n + s.routes.length, 0);
    const pods = ENVIRONMENTS.length * 2;
    expect(routes).toBe(10);
    expect(requests).toHaveLength(pods * routes * 4);
    expect(buckets).toHaveLength(pods * routes * 12);
    expect(all).toHaveLength(960);
    const keys = new Set(all.map(s => JSON.stringify(s.metric)));
    expect(keys.size).toBe(all.length);
    for (const s of all) expect(s.values).toHaveLength(timestamps.length);
  });

  it('carry the labels a spoke gives the live series (scrape target relabeling, job, external labels)', () => {
    // The kubernetes-pods job's relabeling applied to each static target (only `replace` rules
    // are used there), then the vmagent's remote-write labels.
    for (const env of ENVIRONMENTS) {
      const job = vmagentScrapeConfig(env).scrape_configs.find(
        c => c.job_name === POD_SCRAPE_JOB,
      ) as {
        static_configs: { labels: Record<string, string> }[];
        relabel_configs: RelabelRule[];
      };
      for (const target of job.static_configs) {
        const labels: Record<string, string> = {
          ...target.labels,
          job: POD_SCRAPE_JOB,
        };
        for (const rule of job.relabel_configs) {
          expect(rule.action ?? 'replace').toBe('replace');
          const source = (rule.source_labels ?? [])
            .map(l => labels[l] ?? '')
            .join(rule.separator ?? ';');
          const m = new RegExp(`^(?:${rule.regex ?? '(.*)'})$`).exec(source);
          if (m)
            labels[rule.target_label!] = (rule.replacement ?? '$1').replace(
              /\$(\d+)/g,
              (_, i) => m[Number(i)] ?? '',
            );
        }
        const live = Object.fromEntries(
          Object.entries({
            ...labels,
            ...spokeExternalLabels({
              cluster: env.cluster,
              environment: env.name,
            }),
          }).filter(([k]) => !k.startsWith('__')),
        );
        const mine = find({
          [LABELS.environment]: env.name,
          [LABELS.pod]: live.pod,
        });
        expect(mine.length).toBeGreaterThan(0);
        for (const s of mine) {
          const { __name__, method, code, route, le, ...rest } = s.metric;
          expect(rest).toEqual(live);
          expect(method).toMatch(/^(GET|POST)$/);
          expect(route).toBeTruthy();
          expect(code ?? le).toBeTruthy();
        }
      }
    }
    // The pods are the ones the exporter serves (names from the clusters when given).
    const names = {
      production: { payments: ['payments-abc-1', 'payments-abc-2'] },
    };
    const plan = planBackfill({
      nowMs: NOW,
      retentionMs: YEARS,
      gapMs: 30_000,
      periodMs: HOUR,
    })!;
    const pods = new Set(
      [...backfillSeries(plan, names)]
        .filter(s => s.metric.environment === 'production')
        .map(s => s.metric.pod),
    );
    expect([...pods].sort()).toEqual(
      demoPodsFor('production', names)
        .map(p => p.pod)
        .sort(),
    );
    expect(pods).toContain('payments-abc-1');
  });

  it('are counters: they start at 0 and never decrease; buckets are cumulative', () => {
    const broken: string[] = [];
    for (const s of all) {
      const ok =
        s.values[0] === 0 &&
        s.values.every(
          (v, i) => Number.isInteger(v) && (i === 0 || v >= s.values[i - 1]),
        );
      if (!ok) broken.push(JSON.stringify(s.metric));
    }
    expect(broken).toEqual([]);
    const last = timestamps.length - 1;
    const routeBuckets = find({
      __name__: 'http_request_duration_seconds_bucket',
      environment: 'staging',
      service: 'checkout',
      route: '/api/checkout',
    }).filter(
      s =>
        s.metric.pod ===
        find({ service: 'checkout', environment: 'staging' })[0].metric.pod,
    );
    expect(routeBuckets.map(s => s.metric.le)).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    for (let k = 1; k < routeBuckets.length; k++)
      expect(routeBuckets[k].values[last]).toBeGreaterThanOrEqual(
        routeBuckets[k - 1].values[last],
      );
  });

  it('count the profile request rates over the period (with a daily +-10 % cycle)', () => {
    const last = timestamps.length - 1;
    const seconds = (plan30d.toMs - plan30d.fromMs) / 1000;
    for (const service of DEMO_SERVICES) {
      for (const env of ENVIRONMENTS) {
        const rate =
          increase(
            {
              __name__: 'http_requests_total',
              service: service.name,
              environment: env.name,
            },
            0,
            last,
          ) / seconds;
        expect(rate).toBeGreaterThan(
          service.profiles[env.name].requestRate * 0.99,
        );
        expect(rate).toBeLessThan(
          service.profiles[env.name].requestRate * 1.01,
        );
      }
    }
  });

  it("write payments' incident: ~0.5 % errors and fast until 3 days ago, ~20 % and slow since", () => {
    const incident = DEMO_INCIDENTS.find(i => i.service === 'payments')!;
    expect(incident).toMatchObject({
      environment: 'production',
      startedAgoMs: 3 * DAY,
    });
    const switchAt = indexAt(NOW - incident.startedAgoMs);
    const last = timestamps.length - 1;
    const prod = { service: 'payments', environment: 'production' };
    const ratio = (from: number, to: number) =>
      increase(
        { __name__: 'http_requests_total', ...prod, code: '500' },
        from,
        to,
      ) /
        increase({ __name__: 'http_requests_total', ...prod }, from, to) +
      increase(
        { __name__: 'http_requests_total', ...prod, code: '503' },
        from,
        to,
      ) /
        increase({ __name__: 'http_requests_total', ...prod }, from, to);
    expect(ratio(0, switchAt - 1)).toBeCloseTo(0.005, 4);
    expect(ratio(switchAt + 1, last)).toBeCloseTo(0.2, 3);
    // Over the 30 days, request-weighted (the rate is the same before and after).
    expect(ratio(0, last)).toBeCloseTo((27 * 0.005 + 3 * 0.2) / 30, 3);

    const slowShare = (from: number, to: number) => {
      const b = { __name__: 'http_request_duration_seconds_bucket', ...prod };
      const all1 = increase({ ...b, le: '+Inf' }, from, to);
      return 1 - increase({ ...b, le: '1' }, from, to) / all1;
    };
    expect(slowShare(0, switchAt - 1)).toBeLessThan(0.0001);
    expect(slowShare(switchAt + 1, last)).toBeCloseTo(
      demoErrorRatio('payments', DEMO_SERVICES[1].profiles.production, {
        slo: 'latency',
        thresholdSeconds: 1,
      }),
      3,
    );
    expect(slowShare(switchAt + 1, last)).toBeGreaterThan(0.25);

    // Payments elsewhere, and every other service, keeps its current profile throughout.
    for (const [service, env] of [
      ['payments', 'staging'],
      ['checkout', 'production'],
      ['inventory', 'production'],
    ] as const) {
      const labels = {
        __name__: 'http_requests_total',
        service,
        environment: env,
      };
      const errors = (from: number, to: number) =>
        (increase({ ...labels, code: '500' }, from, to) +
          increase({ ...labels, code: '503' }, from, to)) /
        increase(labels, from, to);
      const expected = DEMO_SERVICES.find(s => s.name === service)!.profiles[
        env
      ].errorRatio;
      expect(errors(0, switchAt - 1)).toBeCloseTo(expected, 4);
      expect(errors(switchAt + 1, last)).toBeCloseTo(expected, 4);
    }
  });

  it('render as JSON lines for /api/v1/import, the timestamps rendered once', () => {
    const plan: BackfillPlan = {
      ...plan30d,
      fromMs: plan30d.toMs - 3 * MINUTE,
      fineFromMs: plan30d.toMs - 3 * MINUTE,
    };
    const ts = timestampsJson(plan);
    expect(JSON.parse(ts)).toEqual([
      plan.toMs - 3 * MINUTE,
      plan.toMs - 2 * MINUTE,
      plan.toMs - MINUTE,
      plan.toMs,
    ]);
    const s = backfillSeries(plan).next().value as BackfillSeries;
    const line = importLine(s, ts);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      metric: s.metric,
      values: s.values,
      timestamps: JSON.parse(ts),
    });
  });
});

describe('the demo error ratios', () => {
  it('are the profiles: the error ratio, and the share slower than a bucket boundary', () => {
    const checkout = DEMO_SERVICES.find(s => s.name === 'checkout')!;
    expect(
      demoErrorRatio('checkout', checkout.profiles.production, {
        slo: 'availability',
      }),
    ).toBeCloseTo(0.003, 10);
    const slow = demoErrorRatio('checkout', checkout.profiles.production, {
      slo: 'latency',
      thresholdSeconds: 0.5,
    });
    expect(slow).toBeGreaterThan(0.0001);
    expect(slow).toBeLessThan(0.0002);
    expect(() =>
      demoErrorRatio('checkout', checkout.profiles.production, {
        slo: 'latency',
        thresholdSeconds: 0.3,
      }),
    ).toThrow('0.3 s is not a bucket boundary');
  });
});
