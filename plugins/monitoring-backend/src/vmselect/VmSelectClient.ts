import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { VmSelectConfig } from '../config';

/** One series of a range query, values already parsed; non-finite samples are dropped. */
export interface RangeSeries {
  metric: Record<string, string>;
  points: Array<[number, number]>;
}

export interface InstantSample {
  metric: Record<string, string>;
  /** Unix milliseconds */
  time: number;
  value: number;
}

export interface RangeParams {
  /** Unix seconds */
  start: number;
  /** Unix seconds */
  end: number;
  stepSeconds: number;
}

interface PromResponse {
  status: 'success' | 'error';
  errorType?: string;
  data?: { resultType: string; result: any[] };
}

function parseSample(v: unknown): number {
  return typeof v === 'string' ? Number(v) : NaN;
}

/**
 * A small client for the Prometheus query API that VMSelect (or vmauth in front of it) serves.
 *
 * Errors are `@backstage/errors` types whose messages say what failed without the upstream
 * body: vmauth echoes the credentials it was given in its 400 answers.
 */
export class VmSelectClient {
  constructor(private readonly config: VmSelectConfig) {}

  /** Where queries go, for log lines and deep links (never carries credentials). */
  get baseUrl(): string {
    return this.config.baseUrl;
  }

  async queryRange(query: string, range: RangeParams): Promise<RangeSeries[]> {
    const data = await this.post('/api/v1/query_range', {
      query,
      start: String(range.start),
      end: String(range.end),
      step: `${range.stepSeconds}s`,
    });
    if (data.resultType !== 'matrix') {
      throw new ServiceUnavailableError(
        `VMSelect answered a range query with a ${data.resultType}, expected a matrix`,
      );
    }
    return data.result.map(
      (r: { metric: Record<string, string>; values: unknown[][] }) => ({
        metric: r.metric ?? {},
        points: (r.values ?? [])
          .map(([t, v]): [number, number] => [Number(t) * 1000, parseSample(v)])
          .filter(([, v]) => Number.isFinite(v)),
      }),
    );
  }

  async query(query: string, time?: number): Promise<InstantSample[]> {
    const params: Record<string, string> = { query };
    if (time !== undefined) params.time = String(time);
    const data = await this.post('/api/v1/query', params);
    if (data.resultType === 'scalar') {
      const [t, v] = data.result as unknown as [number, string];
      return [{ metric: {}, time: Number(t) * 1000, value: parseSample(v) }];
    }
    if (data.resultType !== 'vector') {
      throw new ServiceUnavailableError(
        `VMSelect answered an instant query with a ${data.resultType}, expected a vector`,
      );
    }
    return data.result.map(
      (r: { metric: Record<string, string>; value: [number, string] }) => ({
        metric: r.metric ?? {},
        time: Number(r.value[0]) * 1000,
        value: parseSample(r.value[1]),
      }),
    );
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const auth = this.config.auth;
    if (auth?.type === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    } else if (auth?.type === 'bearer') {
      headers.authorization = `Bearer ${auth.token}`;
    }
    return headers;
  }

  private async post(
    path: string,
    params: Record<string, string>,
  ): Promise<NonNullable<PromResponse['data']>> {
    const url = `${this.config.baseUrl}${path}`;
    let res: Response;
    let text: string;
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    try {
      // POST keeps long queries out of URLs (and out of proxy access logs).
      res = await fetch(url, {
        method: 'POST',
        headers: this.headers(),
        body: new URLSearchParams(params).toString(),
        signal: timeout,
      });
      // The body read is part of the exchange: its timeout and failures are mapped too.
      text = await res.text();
    } catch (e) {
      if (
        timeout.aborted ||
        e?.name === 'TimeoutError' ||
        e?.name === 'AbortError'
      ) {
        throw new ServiceUnavailableError(
          `VMSelect did not answer within ${this.config.timeoutMs} ms`,
        );
      }
      // Not the URL: internal addresses stay in the start-up log, out of what a browser is told.
      throw new ServiceUnavailableError('VMSelect is unreachable');
    }

    let body: PromResponse | undefined;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }

    if (res.ok && body?.status === 'success' && body.data) {
      return body.data;
    }
    // A Prometheus-API error (JSON with errorType) means the query itself was refused.
    if (
      (res.status === 400 || res.status === 422) &&
      body?.status === 'error'
    ) {
      throw new InputError(
        `VMSelect rejected the query (HTTP ${res.status}, ${body.errorType ?? 'error'})`,
      );
    }
    if (res.status === 401 || res.status === 403 || res.status === 400) {
      // vmauth answers unknown credentials and unmapped paths with a plain-text 400.
      throw new ServiceUnavailableError(
        `VMSelect refused the request (HTTP ${res.status}); check monitoring.vmselect.url and its credentials`,
      );
    }
    if (res.ok) {
      throw new ServiceUnavailableError(
        'VMSelect answered with a body that is not a query result',
      );
    }
    throw new ServiceUnavailableError(`VMSelect answered HTTP ${res.status}`);
  }
}
