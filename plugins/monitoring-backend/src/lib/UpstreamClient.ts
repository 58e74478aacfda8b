import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { UpstreamAuth, UpstreamConfig } from '../config';

export interface UpstreamRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Query parameters; an array value repeats the parameter (`match[]=a&match[]=b`). */
  query?: Record<string, string | string[] | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Answered with NotFoundError instead of ServiceUnavailableError. */
  notFound?: string;
  /** Call sites pass the client's request signal so closed requests stop waiting. */
  signal?: AbortSignal;
}

export function authorizationHeader(
  auth: UpstreamAuth | undefined,
): string | undefined {
  if (auth?.type === 'basic') {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  if (auth?.type === 'bearer') return `Bearer ${auth.token}`;
  return undefined;
}

/**
 * A JSON HTTP client for one upstream (vmalert, Alertmanager), built from config.
 *
 * Every failure becomes a `@backstage/errors` type whose message names the upstream by role
 * and says what went wrong, never its URL or response body: vmauth echoes credentials in its
 * error bodies, and internal addresses do not belong in a browser. The timeout covers the
 * whole exchange, body included.
 */
export class UpstreamClient {
  constructor(
    /** The upstream's role in messages, e.g. `vmalert`. */
    readonly name: string,
    private readonly config: UpstreamConfig,
  ) {}

  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async request<T>(req: UpstreamRequest): Promise<T | undefined> {
    const url = new URL(`${this.config.baseUrl}${req.path}`);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      for (const v of value === undefined ? [] : [value].flat())
        url.searchParams.append(key, v);
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    const authorization = authorizationHeader(this.config.auth);
    if (authorization) headers.authorization = authorization;
    if (req.json !== undefined) headers['content-type'] = 'application/json';

    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = req.signal
      ? AbortSignal.any([timeout, req.signal])
      : timeout;
    let status: number;
    let text: string;
    try {
      const res = await fetch(url, {
        method: req.method ?? 'GET',
        headers,
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal,
        redirect: 'error',
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      if (timeout.aborted) {
        throw new ServiceUnavailableError(
          `${this.name} did not answer within ${this.config.timeoutMs} ms`,
        );
      }
      if (req.signal?.aborted)
        throw new ServiceUnavailableError(
          `the request to ${this.name} was abandoned`,
        );
      throw new ServiceUnavailableError(`${this.name} is unreachable`);
    }

    if (status === 404 && req.notFound) throw new NotFoundError(req.notFound);
    if (status === 401 || status === 403) {
      throw new ServiceUnavailableError(
        `${this.name} refused the backend's credentials (HTTP ${status}); check monitoring.${this.name}.auth`,
      );
    }
    if (status === 409)
      throw new ConflictError(`${this.name} reported a conflict`);
    if (status < 200 || status >= 300) {
      throw new ServiceUnavailableError(`${this.name} answered HTTP ${status}`);
    }
    if (!text) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ServiceUnavailableError(
        `${this.name} answered with a body that is not JSON`,
      );
    }
  }
}
