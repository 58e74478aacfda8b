/**
 * The demo services' past, imported once per data dir when the stack starts: a 30-day error
 * budget needs 30 days of requests, and the demo exporter only serves them since it started.
 * `backfillSeries.ts` computes the series; this streams them to VictoriaMetrics'
 * `/api/v1/import` (JSON lines) and keeps a stamp beside the data.
 *
 * Labels: the backfilled series carry exactly the live series' labels (the same pods, job and
 * instance), so each one continues into its live series. At the seam the live counter starts
 * again from 0, which `rate` and `increase` read as a counter reset, like a pod restart. Checked
 * on a throwaway VictoriaMetrics 1.151 with a 30-day past ending 30 s before an hour of live
 * samples: with identical labels `sum(rate(...[w]))` and the error ratio are the
 * request-weighted truth at every window (5m to 30d). With other labels (say another pod name)
 * the same holds from 6h up, but for windows that hold both a backfilled and a live series'
 * samples (2h at the seam, 1h half an hour after it) VictoriaMetrics divides each series'
 * increase by its own span, so the request rate doubles (20 for 10 per second) and the error
 * ratio becomes the unweighted mean of the two (0.1025 for a request-weighted 0.107). Identical
 * labels also add no series to the index.
 *
 * Idempotence: the stamp (in VictoriaMetrics' data dir, so it goes with the data) records the
 * generator's version and the plan. It is written as `importing` before the import and `done`
 * after it; a start that finds `importing` (the import was interrupted) imports the same plan
 * again, which writes the same samples at the same times (deduplicated), and one that finds
 * `done` skips. The plan ends two scrape intervals before the first live sample, so nothing
 * overlaps: neither on a fresh data dir nor on one that has been collecting for a while.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  LABELS,
  parseDurationMs,
} from '@hubspoke/backstage-plugin-monitoring-common';
import {
  BACKFILL_PERIOD_MS,
  BACKFILL_VERSION,
  BackfillPlan,
  backfillSeries,
  importLine,
  planBackfill,
  sampleTimestamps,
  timestampsJson,
} from './backfillSeries';
import { DEMO_NAMESPACE, DemoPodNames } from './demoServices';
import { HUB_FLAGS } from './hubFlags';
import { httpRequest, instantQuery } from './http';
import { LOCAL_SCRAPE_INTERVAL, POD_SCRAPE_JOB } from './vmagentConfig';

/** The stamp's file name in VictoriaMetrics' data dir. */
export const BACKFILL_STAMP = 'demo-backfill.json';

export interface BackfillStamp {
  version: number;
  state: 'importing' | 'done';
  /** null: there was nothing to import (the live data already reaches back far enough). */
  plan: BackfillPlan | null;
  series?: number;
  samples?: number;
  bytes?: number;
  seconds?: number;
}

export interface BackfillOptions {
  /** VictoriaMetrics itself (not vmauth): `http://127.0.0.1:8428`. */
  vmUrl: string;
  stampFile: string;
  /** The demo pods' names (the clusters'), so the past continues the live series. */
  names?: DemoPodNames;
  /** When the stack started (default now): the past ends before it, the incidents are placed from it. */
  nowMs?: number;
  /** The database's retention (older samples would be refused); default the stack's. */
  retentionMs?: number;
  /** For the import request; default 120 s. */
  timeoutMs?: number;
}

export interface BackfillOutcome {
  /** Whether this call imported anything. */
  imported: boolean;
  stamp: BackfillStamp;
  /** One line for the start log. */
  summary: string;
}

const DAY_MS = 86_400_000;
const SCRAPE_INTERVAL_MS = parseDurationMs(LOCAL_SCRAPE_INTERVAL)!;

function readStamp(file: string): BackfillStamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw new Error(`cannot read the backfill stamp ${file}: ${e.message}`);
  }
}

function writeStamp(file: string, stamp: BackfillStamp) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(stamp, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

const utc = (ms: number) =>
  `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

function describe(plan: BackfillPlan): string {
  return `${utc(plan.fromMs)} to ${utc(plan.toMs)}`;
}

/** The first live sample of the demo pods' requests, if VictoriaMetrics has one. */
async function liveStartMs(vmUrl: string): Promise<number | undefined> {
  const days = Math.ceil(BACKFILL_PERIOD_MS / DAY_MS) + 1;
  const selector = `http_requests_total{job="${POD_SCRAPE_JOB}",${LABELS.namespace}="${DEMO_NAMESPACE}"}`;
  const result = await instantQuery(
    vmUrl,
    `min(tfirst_over_time(${selector}[${days}d]))`,
  );
  return result.length ? Number(result[0].value[1]) * 1000 : undefined;
}

/** Streams the plan's series as JSON lines (not gzipped: on loopback it only costs CPU). */
function streamImport(
  vmUrl: string,
  plan: BackfillPlan,
  names: DemoPodNames,
  timeoutMs: number,
): Promise<{ series: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    let series = 0;
    let bytes = 0;
    const req = http.request(
      `${vmUrl}/api/v1/import`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode === 204) resolve({ series, bytes });
          else {
            // Not echoed whole: a status and a bounded excerpt.
            const body = Buffer.concat(chunks).toString('utf8').slice(0, 200);
            reject(
              new Error(
                `/api/v1/import answered HTTP ${res.statusCode}: ${body}`,
              ),
            );
          }
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`the import took longer than ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    const timestamps = timestampsJson(plan);
    (async () => {
      for (const s of backfillSeries(plan, names)) {
        const line = importLine(s, timestamps);
        series++;
        bytes += Buffer.byteLength(line);
        if (!req.write(line))
          await new Promise<void>(r => req.once('drain', () => r()));
      }
      req.end();
    })().catch(e => req.destroy(e));
  });
}

/**
 * Imports the demo's past unless this data dir has it; returns what happened and a line for the
 * log. Throws when the import fails (the stamp then says `importing`, and the next start retries
 * the same plan).
 */
export async function backfillDemoHistory(
  o: BackfillOptions,
): Promise<BackfillOutcome> {
  const t0 = Date.now();
  const previous = readStamp(o.stampFile);
  if (previous?.state === 'done') {
    const what = previous.plan
      ? `${previous.samples?.toLocaleString('en-US')} samples, ${describe(previous.plan)}`
      : 'nothing to import';
    const outdated =
      previous.version === BACKFILL_VERSION
        ? ''
        : `; written by generator v${previous.version}, this is v${BACKFILL_VERSION}: \`npm run stack -- stop --purge\` to import it anew`;
    return {
      imported: false,
      stamp: previous,
      summary: `Demo history already imported (${what})${outdated}`,
    };
  }
  let plan: BackfillPlan | undefined;
  if (
    previous?.state === 'importing' &&
    previous.version === BACKFILL_VERSION &&
    previous.plan
  ) {
    plan = previous.plan; // an interrupted import: the same samples again
  } else {
    const nowMs = o.nowMs ?? Date.now();
    plan = planBackfill({
      nowMs,
      liveStartMs: await liveStartMs(o.vmUrl),
      retentionMs: o.retentionMs ?? parseDurationMs(HUB_FLAGS.retentionPeriod)!,
      gapMs: 2 * SCRAPE_INTERVAL_MS,
    });
  }
  if (!plan) {
    const stamp: BackfillStamp = {
      version: BACKFILL_VERSION,
      state: 'done',
      plan: null,
    };
    writeStamp(o.stampFile, stamp);
    return {
      imported: false,
      stamp,
      summary:
        'Demo history: nothing to import (the live data reaches back far enough)',
    };
  }
  writeStamp(o.stampFile, {
    version: BACKFILL_VERSION,
    state: 'importing',
    plan,
  });
  const { series, bytes } = await streamImport(
    o.vmUrl,
    plan,
    o.names ?? {},
    o.timeoutMs ?? 120_000,
  );
  // Searchable now, and no query result cached before the import hides it.
  for (const p of [
    '/internal/force_flush',
    '/internal/resetRollupResultCache',
  ]) {
    const res = await httpRequest(`${o.vmUrl}${p}`, { timeoutMs: 10_000 });
    if (res.status >= 300)
      throw new Error(`${p} answered HTTP ${res.status} after the import`);
  }
  const samples = series * sampleTimestamps(plan).length;
  const seconds = Number(((Date.now() - t0) / 1000).toFixed(1));
  const stamp: BackfillStamp = {
    version: BACKFILL_VERSION,
    state: 'done',
    plan,
    series,
    samples,
    bytes,
    seconds,
  };
  writeStamp(o.stampFile, stamp);
  return {
    imported: true,
    stamp,
    summary:
      `Demo history imported: ${series} series, ${samples.toLocaleString('en-US')} samples ` +
      `(${(bytes / 1e6).toFixed(0)} MB of JSON lines), ${describe(plan)}, in ${seconds}s`,
  };
}
