import { CacheService } from '@backstage/backend-plugin-api';
import { quietly } from './quietly';
import { SharedLoad } from './sharedLoad';

/**
 * A read shared by every caller: one load in flight per key, its result kept `ttlMs` in the
 * CacheService as one JSON string (the cache's own serializer walks every value with a reviver,
 * which at 5,000 services cost more than the rest of a request). Cache failures only mean a
 * fresh load.
 */
export class CachedRead<T> {
  private readonly shared = new SharedLoad<T>();

  constructor(
    private readonly cache: CacheService,
    private readonly ttlMs: number,
  ) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    return this.shared.run(async () => {
      const cached = await quietly(() => this.cache.get(key));
      if (typeof cached === 'string') return JSON.parse(cached) as T;
      const value = await load();
      await quietly(() =>
        this.cache.set(key, JSON.stringify(value), { ttl: this.ttlMs }),
      );
      return value;
    }, key);
  }
}
