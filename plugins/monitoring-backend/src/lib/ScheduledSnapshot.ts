import { createHash } from 'node:crypto';
import {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { isError, ServiceUnavailableError } from '@backstage/errors';
import { SnapshotInfo } from '@hubspoke/backstage-plugin-monitoring-common';
import { SnapshotSchedule } from '../config';
import { formatAge } from './formatAge';
import { SharedLoad } from './sharedLoad';

/** A snapshot as read: its value and how old it is. */
export interface Snapshot<T> {
  value: T;
  info: SnapshotInfo;
}

interface Stored<T> {
  takenAt: string;
  value: T;
}

interface StoredError {
  at: string;
  message: string;
}

const POLL_MS = 200;
/** A cache that does not answer within this is treated as down (its client may queue forever). */
const CACHE_READ_TIMEOUT_MS = 2000;

/** A short hash of what a snapshot depends on, for its cache key (no URL in the key itself). */
export function fingerprint(parts: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 16);
}

/** A corrupt or foreign cache value is a miss, not a 500. */
function parse<V>(raw: string): V | undefined {
  try {
    return JSON.parse(raw) as V;
  } catch {
    return undefined;
  }
}

/**
 * A value computed in the background on a fixed cadence by one replica (Backstage's scheduler,
 * scope global: the lock lives in the plugin's database) and read by every request of every
 * replica from the cache service. A request never waits for the computation, except for the
 * very first snapshot after a cold start (up to `firstWaitSeconds`).
 *
 * The cache holds three keys: the snapshot as one JSON string (`:data`), its time (`:at`, read
 * first, so a replica parses the large value once per refresh and keeps the parsed one), and the
 * last refresh's failure (`:error`). Both snapshot keys expire after `maxAgeSeconds`: a snapshot
 * that cannot be refreshed is served, marked stale, until then.
 */
export class ScheduledSnapshot<T> {
  private parsed?: Stored<T>;
  private readonly firstWait = new SharedLoad<void>();
  private lastTrigger = -Infinity;

  constructor(
    private readonly options: {
      /** The scheduler's task id, e.g. `monitoring-fleet-snapshot`. */
      id: string;
      /** The cache key prefix; a new shape of T needs a new key. */
      key: string;
      /** What the snapshot is of, for messages: "the fleet". */
      what: string;
      compute: (signal?: AbortSignal) => Promise<T>;
      schedule: SnapshotSchedule;
    },
    private readonly cache: CacheService,
    private readonly scheduler: SchedulerService,
    private readonly logger: LoggerService,
  ) {}

  /** Registers the refresh with the scheduler (which runs it at once, then on the cadence). */
  async start(): Promise<void> {
    const { refreshSeconds } = this.options.schedule;
    await this.scheduler.scheduleTask({
      id: this.options.id,
      frequency: { seconds: refreshSeconds },
      // Also how long a replica that died mid-run holds the task before another takes it over.
      timeout: { seconds: Math.max(20, 2 * refreshSeconds) },
      scope: 'global',
      fn: signal => this.refresh(signal),
    });
  }

  /** Computes and stores a new snapshot; a failure is kept for the stale warning and logged. */
  async refresh(signal?: AbortSignal): Promise<void> {
    const { key, compute, schedule, what } = this.options;
    const ttl = schedule.maxAgeSeconds * 1000;
    try {
      const started = Date.now();
      const stored: Stored<T> = {
        takenAt: new Date().toISOString(),
        value: await compute(signal),
      };
      // Past the task's timeout another replica may have started a newer run: never write an
      // older snapshot over a newer one.
      if (signal?.aborted) throw new Error('the refresh timed out');
      const newest = await this.readCache(`${key}:at`);
      if (typeof newest === 'string' && newest > stored.takenAt) return;
      const data = JSON.stringify(stored);
      // The value first: a reader that sees the new time finds the new value. (The cache
      // service's Keyv answers a failed write with false, not an error, whatever its type says.)
      const set = async (k: string, v: string) =>
        ((await this.cache.set(k, v, { ttl })) as unknown) !== false;
      const written =
        (await set(`${key}:data`, data)) &&
        (await set(`${key}:at`, stored.takenAt));
      this.parsed = stored;
      if (!written) throw new Error('the cache did not take the snapshot');
      // One line per refresh, on the replica that ran it (the scheduler picks one per cadence).
      this.logger.info(
        `monitoring: refreshed ${what} snapshot taken at ${stored.takenAt} in ${Date.now() - started} ms (${Math.round(data.length / 1024)} KiB)`,
      );
    } catch (e) {
      // To callers only what the plugin's own clients say (their messages carry neither
      // upstream URLs nor bodies); other errors (a catalog client's network error names the
      // catalog's internal URL) go to the log with their addresses masked.
      this.logger.warn(
        `monitoring: refreshing ${what} failed: ${
          isError(e)
            ? `${e.name}: ${e.message.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, '<url>')}`
            : 'unknown error'
        }`,
      );
      const message =
        isError(e) && e.name === 'ServiceUnavailableError'
          ? e.message
          : 'an error the backend logged';
      const error: StoredError = { at: new Date().toISOString(), message };
      await Promise.resolve(
        this.cache.set(`${key}:error`, JSON.stringify(error), { ttl }),
      ).catch(() => undefined);
    }
  }

  /** The current snapshot; a 503 when there is none (yet, or for longer than maxAge). */
  async read(): Promise<Snapshot<T>> {
    const stored = await this.current();
    if (stored) return this.withInfo(stored);
    // A cold start: ask for a run (at most once a period) and wait for it. A process that has
    // served a snapshot which has since expired answers at once: refreshes failed for maxAge.
    if (!this.parsed) await this.firstWait.run(() => this.waitForFirst());
    const after = await this.current();
    if (after) return this.withInfo(after);
    const error = await this.lastError();
    throw new ServiceUnavailableError(
      error
        ? `no snapshot of ${this.options.what} yet: ${error.message}`
        : `no snapshot of ${this.options.what} yet; try again in a few seconds`,
    );
  }

  /** A cache read that never throws nor hangs: undefined when the cache cannot say. */
  private async readCache(cacheKey: string): Promise<unknown> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        Promise.resolve(this.cache.get(cacheKey)),
        new Promise(resolve => {
          timer = setTimeout(() => resolve(undefined), CACHE_READ_TIMEOUT_MS);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private async current(): Promise<Stored<T> | undefined> {
    const { key } = this.options;
    const takenAt = await this.readCache(`${key}:at`);
    if (typeof takenAt === 'string') {
      if (this.parsed?.takenAt === takenAt) return this.parsed;
      const raw = await this.readCache(`${key}:data`);
      const stored =
        typeof raw === 'string' ? parse<Stored<T>>(raw) : undefined;
      if (stored) {
        // Keep the newer of the two (a refresh may have landed between the reads).
        if (!this.parsed || stored.takenAt >= this.parsed.takenAt)
          this.parsed = stored;
        return this.parsed;
      }
    }
    // Nothing usable in the cache: it is down, restarted or evicted the value (the cache
    // service reports all three as a miss), or the snapshot expired there. What this process
    // last parsed, while it is younger than maxAge (an expired one is older).
    return this.parsed && this.ageSeconds(this.parsed) <= this.maxAge()
      ? this.parsed
      : undefined;
  }

  private async waitForFirst(): Promise<void> {
    const periodMs = this.options.schedule.refreshSeconds * 1000;
    // Requests while the first runs keep failing trigger no more than the cadence would.
    if (Date.now() - this.lastTrigger < periodMs) return;
    this.lastTrigger = Date.now();
    const asked = new Date().toISOString();
    try {
      await this.scheduler.triggerTask(this.options.id);
    } catch {
      // Already running (a ConflictError), or scheduled on another replica: wait for it.
    }
    const deadline = Date.now() + this.options.schedule.firstWaitSeconds * 1000;
    while (Date.now() < deadline) {
      if (await this.current()) return;
      // A run that failed since we asked: no use waiting for the next.
      const error = await this.lastError();
      if (error && error.at >= asked) return;
      await new Promise(r => setTimeout(r, POLL_MS));
    }
  }

  private async lastError(): Promise<StoredError | undefined> {
    const raw = await this.readCache(`${this.options.key}:error`);
    return typeof raw === 'string' ? parse<StoredError>(raw) : undefined;
  }

  private ageSeconds(stored: Stored<T>): number {
    return Math.max(0, (Date.now() - Date.parse(stored.takenAt)) / 1000);
  }

  private maxAge(): number {
    return this.options.schedule.maxAgeSeconds;
  }

  private async withInfo(stored: Stored<T>): Promise<Snapshot<T>> {
    const ageSeconds = this.ageSeconds(stored);
    const stale = ageSeconds > 2 * this.options.schedule.refreshSeconds;
    const info: SnapshotInfo = {
      takenAt: stored.takenAt,
      ageSeconds: Math.round(ageSeconds),
      stale,
    };
    if (stale) {
      const error = await this.lastError();
      info.warning =
        error && error.at > stored.takenAt
          ? `this snapshot of ${this.options.what} is ${formatAge(ageSeconds)} old: refreshing it failed (${error.message})`
          : `this snapshot of ${this.options.what} is ${formatAge(ageSeconds)} old: it has not been refreshed since`;
    }
    return { value: stored.value, info };
  }
}
