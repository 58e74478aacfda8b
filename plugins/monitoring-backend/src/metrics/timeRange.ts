import { InputError } from '@backstage/errors';
import {
  HUB_SCRAPE_INTERVAL,
  parseDurationSeconds,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** Steps a range may use, in seconds: round values so equal ranges share cache entries. */
const STEP_LADDER = [
  15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
];
/** No panel returns more points than this per series. */
export const MAX_POINTS = 300;
export const MAX_RANGE_SECONDS = 31 * 86400;
const MIN_RANGE_SECONDS = 60;
const DEFAULT_RANGE_SECONDS = 3600;
/** The shortest rate window: four scrapes at the hub contract's 30 s interval (120 s). */
const MIN_WINDOW_SECONDS = 4 * parseDurationSeconds(HUB_SCRAPE_INTERVAL)!;

export interface QueryRange {
  /** Unix seconds, aligned to the step */
  start: number;
  /** Unix seconds, aligned to the step */
  end: number;
  stepSeconds: number;
  /** The `[window]` of rate() for this step */
  windowSeconds: number;
}

/** Parses `from`/`to` as ISO-8601 or unix seconds (or milliseconds). */
export function parseTime(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw new InputError(`${name} must be a single value`);
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    // Ten digits of seconds cover 2001-2286; more digits are milliseconds.
    ms = n >= 1e11 ? n : n * 1000;
  } else {
    ms = Date.parse(raw);
  }
  // Beyond +-8.64e15 ms a Date is invalid (and toISOString throws later).
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw new InputError(
      `${name} must be an ISO-8601 time or unix seconds, got "${raw.slice(0, 40)}"`,
    );
  }
  return ms / 1000;
}

/** Parses a step like `30`, `30s`, `5m`, `1h`. */
export function parseStep(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string')
    throw new InputError('step must be a single value');
  // The duration grammar (monitoring-common), one term of s, m, h or d; a bare number is seconds.
  const seconds = parseDurationSeconds(/^\d+$/.test(raw) ? `${raw}s` : raw, {
    units: 'smhd',
  });
  if (seconds === undefined)
    throw new InputError(
      `step must be a duration like 30s, 5m or 1h, got "${raw.slice(0, 40)}"`,
    );
  if (seconds < 1 || seconds > 86400)
    throw new InputError('step must be between 1s and 1d');
  return seconds;
}

/** The smallest ladder step that keeps a range within {@link MAX_POINTS} points. */
export function chooseStep(
  rangeSeconds: number,
  requested?: number,
  maxPoints = MAX_POINTS,
): number {
  const minimum = Math.max(rangeSeconds / (maxPoints - 1), requested ?? 0);
  return STEP_LADDER.find(s => s >= minimum) ?? Math.ceil(minimum);
}

/** Checks and aligns a request's range; defaults to the last hour. */
export function resolveRange(
  query: { from?: unknown; to?: unknown; step?: unknown },
  nowSeconds = Date.now() / 1000,
  opts: {
    maxPoints?: number;
    defaultRangeSeconds?: number;
    retentionSeconds?: number;
  } = {},
): QueryRange {
  // No data exists after now: a later `to` is clamped, so it neither fails late nor makes
  // endless distinct cache keys.
  const to = Math.min(parseTime('to', query.to) ?? nowSeconds, nowSeconds);
  let from =
    parseTime('from', query.from) ??
    to - (opts.defaultRangeSeconds ?? DEFAULT_RANGE_SECONDS);
  const requestedStep = parseStep(query.step);
  if (from >= to) throw new InputError('from must be before to');
  // Nor before the hub's retention: nothing is kept there, and every old `from` would be a new key.
  if (opts.retentionSeconds !== undefined) {
    const oldest = nowSeconds - opts.retentionSeconds;
    if (to <= oldest)
      throw new InputError(
        'the range ends before the oldest data the hub keeps (monitoring.retention)',
      );
    from = Math.max(from, oldest);
  }
  const span = to - from;
  if (span < MIN_RANGE_SECONDS)
    throw new InputError('the range must be at least one minute');
  if (span > MAX_RANGE_SECONDS)
    throw new InputError('the range must be at most 31 days');
  const stepSeconds = chooseStep(span, requestedStep, opts.maxPoints);
  // Aligned bounds make equal ranges identical queries, which the cache and coalescing share.
  const start = Math.floor(from / stepSeconds) * stepSeconds;
  const end = Math.floor(to / stepSeconds) * stepSeconds;
  return {
    start,
    end: Math.max(end, start + stepSeconds),
    stepSeconds,
    windowSeconds: Math.max(stepSeconds, MIN_WINDOW_SECONDS),
  };
}

/** How far after now an instant may be asked for (clocks differ); later is refused. */
const MAX_FUTURE_SECONDS = 60;
/** The grid a default instant ("now") is put on, so callers within it share the queries. */
const INSTANT_ALIGN_SECONDS = 15;

/**
 * Checks a request's `time` (ISO-8601 or unix seconds): the instant a reading is taken at, in
 * whole unix seconds. Default now, on a 15 s grid; a time up to a minute ahead is read as now,
 * a later one or one before the hub's retention is refused.
 */
export function resolveInstant(
  raw: unknown,
  nowSeconds = Date.now() / 1000,
  opts: { retentionSeconds?: number } = {},
): number {
  const time = parseTime('time', raw);
  if (time === undefined)
    return (
      Math.floor(nowSeconds / INSTANT_ALIGN_SECONDS) * INSTANT_ALIGN_SECONDS
    );
  if (time > nowSeconds + MAX_FUTURE_SECONDS)
    throw new InputError('time must not be in the future');
  if (
    opts.retentionSeconds !== undefined &&
    time < nowSeconds - opts.retentionSeconds
  )
    throw new InputError(
      'time is before the oldest data the hub keeps (monitoring.retention)',
    );
  return Math.floor(Math.min(time, nowSeconds));
}
