import { CacheService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import { createHash } from 'crypto';
import pLimit from 'p-limit';
import {
  InstantSample,
  RangeParams,
  RangeSeries,
  VmSelectClient,
} from '../vmselect/VmSelectClient';

/** How long a result is reused. Short: the newest points keep changing. */
const CACHE_TTL_MS = 15_000;

/** Thrown to the callers of a query whose every caller went away before it was sent. */
export class QueryAbandonedError extends Error {
  name = 'QueryAbandonedError';
}

interface Pending<T = unknown> {
  promise: Promise<T>;
  /** The signals of everyone waiting for it; it is sent unless all of them aborted. */
  waiters: Array<AbortSignal | undefined>;
}

/**
 * Runs range and instant queries through the cache, with request coalescing (the same query in flight is
 * asked upstream once), a bound on parallel upstream queries and on queued ones, and without
 * sending a query nobody waits for any more (every caller's request closed).
 */
export class QueryRunner {
  private readonly inFlight = new Map<string, Pending>();
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly client: VmSelectClient,
    private readonly cache: CacheService,
    private readonly maxConcurrency: number,
    private readonly maxQueued = Infinity,
  ) {
    this.limit = pLimit(maxConcurrency);
  }

  /** Queries of admitted requests not settled yet (running, waiting, or still at the cache). */
  private admitted = 0;

  /**
   * Admits a request's `queries` or refuses it (503) when the running and waiting ones would
   * exceed maxConcurrency + maxQueued: better a clear "busy" now than an answer after every
   * other caller's. Counted at once (not when the queries reach the queue), so a burst cannot
   * slip past; call the returned release when the request's queries have settled.
   */
  admit(queries: number): () => void {
    if (this.admitted + queries > this.maxConcurrency + this.maxQueued) {
      throw new ServiceUnavailableError(
        `the monitoring backend is busy (${this.admitted} queries admitted for VMSelect); try again shortly`,
      );
    }
    this.admitted += queries;
    let released = false;
    return () => {
      if (!released) this.admitted -= queries;
      released = true;
    };
  }

  queryRange(
    query: string,
    range: RangeParams,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const key = `range:${createHash('sha256')
      .update(
        `${this.client.baseUrl}\n${query}\n${range.start}\n${range.end}\n${range.stepSeconds}`,
      )
      .digest('base64url')}`;
    return this.run(key, signal, () => this.client.queryRange(query, range));
  }

  /** An instant query at `time` (unix seconds), cached and coalesced as ranges are. */
  query(
    query: string,
    time: number,
    signal?: AbortSignal,
  ): Promise<InstantSample[]> {
    const key = `instant:${createHash('sha256')
      .update(`${this.client.baseUrl}\n${query}\n${time}`)
      .digest('base64url')}`;
    return this.run(key, signal, () => this.client.query(query, time));
  }

  private run<T>(
    key: string,
    signal: AbortSignal | undefined,
    send: () => Promise<T>,
  ): Promise<T> {
    const pending = this.inFlight.get(key) as Pending<T> | undefined;
    if (pending) {
      pending.waiters.push(signal);
      return pending.promise;
    }
    const entry: Pending<T> = { promise: undefined as any, waiters: [signal] };
    entry.promise = this.load(key, entry, send).finally(() =>
      this.inFlight.delete(key),
    );
    this.inFlight.set(key, entry);
    return entry.promise;
  }

  private async load<T>(
    key: string,
    entry: Pending<T>,
    send: () => Promise<T>,
  ): Promise<T> {
    const cached = (await this.cache.get(key)) as T | undefined;
    if (cached) return cached;
    const result = await this.limit(() => {
      if (entry.waiters.every(s => s?.aborted)) {
        throw new QueryAbandonedError(
          'every request waiting for this query was closed',
        );
      }
      return send();
    });
    await this.cache.set(key, result as any, { ttl: CACHE_TTL_MS });
    return result;
  }
}
