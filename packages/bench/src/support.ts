/**
 * What the benchmarks share: a counting proxy, a minimal VMSelect client for the "direct" side
 * of each comparison, a cache that skips chosen entries, and the stack's `monitoring.vmselect`.
 * The plugins themselves are only reached through their packages' public entry points.
 */
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { StackEnv } from '@internal/monitoring-local-stack';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';

/** The repository's root: `.bench/` lives there, whichever directory the command runs from. */
// eslint-disable-next-line no-restricted-syntax -- tooling run from the repository, never bundled
export const repoRoot = path.resolve(__dirname, '../../..');
export const benchDir = path.join(repoRoot, '.bench');

export const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The p-th percentile (nearest rank) of xs. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

export const sleep = (ms: number) =>
  new Promise(resolve => setTimeout(resolve, ms));

/** `monitoring.vmselect` of the local stack: vmauth's tenant read path as the portal's user. */
export const stackVmselect = (env: StackEnv) => ({
  url: env.MONITORING_VMSELECT_URL,
  auth: {
    username: env.MONITORING_VMSELECT_USERNAME,
    password: env.MONITORING_VMSELECT_PASSWORD,
  },
});

/**
 * Forwards every request to `target`, counting them by path, and also under
 * `classify(path, body)` when it answers a name (e.g. which part of the plugin sent a query).
 */
export async function countingProxy(
  target: string,
  classify?: (urlPath: string, body: string) => string | undefined,
) {
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const server = http.createServer(async (req, res) => {
    const urlPath = (req.url ?? '/').split('?')[0];
    count(urlPath);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const label = classify?.(urlPath, Buffer.concat(chunks).toString('utf8'));
    if (label) count(label);
    try {
      const upstream = await fetch(`${target}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(
            ([k]) => !['host', 'connection', 'content-length'].includes(k),
          ),
        ) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : undefined,
      });
      res.writeHead(upstream.status, {
        'content-type':
          upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    } catch (e) {
      count('proxy-error');
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`the counting proxy could not reach ${target}: ${e}`);
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    counts,
    close: () => server.close(),
  };
}

/**
 * A cache service for the plugin under test that never answers entries whose key starts with
 * one of `skipped` (so every read sends those queries again), while the rest (claimants, the
 * alert snapshot) is cached as in production.
 */
export function cacheWithout(...skipped: string[]) {
  const entries = new Map<string, { value: unknown; expires: number }>();
  const cache: any = {
    get: async (key: string) => {
      const e = entries.get(key);
      return e &&
        e.expires > Date.now() &&
        !skipped.some(s => key.startsWith(s))
        ? e.value
        : undefined;
    },
    set: async (key: string, value: unknown, o?: { ttl?: number }) => {
      entries.set(key, { value, expires: Date.now() + (o?.ttl ?? 60_000) });
    },
    delete: async (key: string) => {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return createServiceFactory({
    service: coreServices.cache,
    deps: {},
    factory: () => cache,
  });
}

export interface RangeParams {
  start: number;
  end: number;
  stepSeconds: number;
}

/**
 * The direct side of the comparisons: PromQL sent straight to VMSelect (through vmauth), as
 * the backend's own client sends it (form-encoded POST, basic auth), with no cache, no queue
 * and no parsing beyond the JSON.
 */
export class DirectVmSelect {
  private readonly authorization: string;

  constructor(
    private readonly baseUrl: string,
    username: string,
    password: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  static ofStack(env: StackEnv) {
    return new DirectVmSelect(
      env.MONITORING_VMSELECT_URL,
      env.MONITORING_VMSELECT_USERNAME,
      env.MONITORING_VMSELECT_PASSWORD,
    );
  }

  private async post(
    apiPath: string,
    params: Record<string, string>,
  ): Promise<{ resultType: string; result: any[] }> {
    const res = await fetch(`${this.baseUrl}${apiPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        authorization: this.authorization,
      },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const body = await res.json();
    if (!res.ok || body.status !== 'success')
      throw new Error(
        `VMSelect answered ${apiPath} with HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`,
      );
    return body.data;
  }

  async query(
    query: string,
    time?: number,
  ): Promise<Array<{ metric: Record<string, string>; value: number }>> {
    const data = await this.post('/api/v1/query', {
      query,
      ...(time !== undefined ? { time: String(time) } : {}),
    });
    if (data.resultType === 'scalar') {
      const [, v] = data.result as unknown as [number, string];
      return [{ metric: {}, value: Number(v) }];
    }
    return data.result.map(
      (r: { metric: Record<string, string>; value: [number, string] }) => ({
        metric: r.metric ?? {},
        value: Number(r.value[1]),
      }),
    );
  }

  async queryRange(query: string, range: RangeParams): Promise<unknown[]> {
    const data = await this.post('/api/v1/query_range', {
      query,
      start: String(range.start),
      end: String(range.end),
      step: `${range.stepSeconds}s`,
    });
    return data.result;
  }
}
