import {
  CacheService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { isError, ServiceUnavailableError } from '@backstage/errors';
import { SnapshotInfo } from '@hubspoke/backstage-plugin-monitoring-common';
import { SnapshotSchedule } from '../config';
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

/** "3m 10s", "45s": an age as a person reads it. */
const age = (seconds: number) =>
  seconds < 60
    ? `${Math.round(seconds)}s`
    : `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;

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
      const data = JSON.stringify(stored);
      // The value first: a reader that sees the new time finds the new value.
      await this.cache.set(`${key}:data`, data, { ttl });
      await this.cache.set(`${key}:at`, stored.takenAt, { ttl });
      this.parsed = stored;
      // One line per refresh, on the replica that ran it (the scheduler picks one per cadence).
      this.logger.info(
        `monitoring: refreshed ${what} snapshot taken at ${stored.takenAt} in ${Date.now() - started} ms (${Math.round(data.length / 1024)} KiB)`,
      );
    } catch (e) {
      const message = isError(e) ? e.message : 'unknown error';
      this.logger.warn(`monitoring: refreshing ${what} failed: ${message}`);
      const error: StoredError = { at: new Date().toISOString(), message };
      await this.cache
        .set(`${key}:error`, JSON.stringify(error), { ttl })
        .catch(() => undefined);
    }
  }

  /** The current snapshot; a 503 when there is none (yet, or for longer than maxAge). */
  async read(): Promise<Snapshot<T>> {
    const stored = await this.current();
    if (stored) return this.withInfo(stored);
    // A cold start: ask for a run now and wait for it. (A process that has served a snapshot
    // which has since expired answers at once: its refreshes have been failing for maxAge.)
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

  private async current(): Promise<Stored<T> | undefined> {
    const { key } = this.options;
    let takenAt: unknown;
    try {
      takenAt = await this.cache.get(`${key}:at`);
    } catch {
      // The cache is down: what this process last parsed, while it is young enough.
      return this.parsed && this.ageSeconds(this.parsed) <= this.maxAge()
        ? this.parsed
        : undefined;
    }
    if (typeof takenAt !== 'string') return undefined;
    if (this.parsed?.takenAt === takenAt) return this.parsed;
    const raw = await this.cache.get(`${key}:data`).catch(() => undefined);
    if (typeof raw !== 'string') return undefined;
    const stored = JSON.parse(raw) as Stored<T>;
    // Keep the newer of the two (a refresh may have landed between the reads).
    if (!this.parsed || stored.takenAt >= this.parsed.takenAt)
      this.parsed = stored;
    return this.parsed;
  }

  private async waitForFirst(): Promise<void> {
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
    const raw = await this.cache
      .get(`${this.options.key}:error`)
      .catch(() => undefined);
    return typeof raw === 'string'
      ? (JSON.parse(raw) as StoredError)
      : undefined;
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
          ? `this snapshot of ${this.options.what} is ${age(ageSeconds)} old: refreshing it failed (${error.message})`
          : `this snapshot of ${this.options.what} is ${age(ageSeconds)} old: it has not been refreshed since`;
    }
    return { value: stored.value, info };
  }
}
