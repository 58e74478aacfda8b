import { CacheService } from '@backstage/backend-plugin-api';
import { createHash } from 'crypto';
import pLimit from 'p-limit';
import { RangeParams, RangeSeries, VmSelectClient } from '../vmselect/VmSelectClient';

/** How long a range result is reused. Short: the newest points keep changing. */
const CACHE_TTL_MS = 15_000;

/**
 * Runs range queries through the cache, with request coalescing (the same query in flight is
 * asked upstream once) and a bound on parallel upstream queries.
 */
export class QueryRunner {
  private readonly inFlight = new Map<string, Promise<RangeSeries[]>>();
  private readonly limit: ReturnType<typeof pLimit>;
  /** Upstream queries sent; read by benchmarks and tests of coalescing. */
  upstreamQueries = 0;

  constructor(
    private readonly client: VmSelectClient,
    private readonly cache: CacheService,
    maxConcurrency: number,
  ) {
    this.limit = pLimit(maxConcurrency);
  }

  queryRange(query: string, range: RangeParams): Promise<RangeSeries[]> {
    const key = `range:${createHash('sha256')
      .update(`${this.client.baseUrl}\n${query}\n${range.start}\n${range.end}\n${range.stepSeconds}`)
      .digest('base64url')}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.load(key, query, range).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async load(key: string, query: string, range: RangeParams): Promise<RangeSeries[]> {
    const cached = (await this.cache.get(key)) as RangeSeries[] | undefined;
    if (cached) return cached;
    const result = await this.limit(() => {
      this.upstreamQueries++;
      return this.client.queryRange(query, range);
    });
    await this.cache.set(key, result as any, { ttl: CACHE_TTL_MS });
    return result;
  }
}
