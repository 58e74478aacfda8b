import { ServiceUnavailableError } from '@backstage/errors';
import { UpstreamClient } from '../lib/UpstreamClient';

export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  /** Absent before Alertmanager 0.22: equality. */
  isEqual: boolean;
}

export interface AmSilence {
  id: string;
  state: 'active' | 'pending' | 'expired';
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

export interface NewSilence {
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter(s => typeof s === 'string') : [];
const record = (v: unknown): Record<string, string> =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(
        Object.entries(v).filter(
          (e): e is [string, string] => typeof e[1] === 'string',
        ),
      )
    : {};

function toSilence(raw: any): AmSilence | undefined {
  if (!raw || typeof raw.id !== 'string') return undefined;
  const state = raw.status?.state;
  if (state !== 'active' && state !== 'pending' && state !== 'expired')
    return undefined;
  const matchers: AmMatcher[] = (
    Array.isArray(raw.matchers) ? raw.matchers : []
  )
    .filter(
      (m: any) => typeof m?.name === 'string' && typeof m?.value === 'string',
    )
    .map((m: any) => ({
      name: m.name,
      value: m.value,
      isRegex: m.isRegex === true,
      isEqual: m.isEqual !== false,
    }));
  return {
    id: raw.id,
    state,
    matchers,
    startsAt: String(raw.startsAt ?? ''),
    endsAt: String(raw.endsAt ?? ''),
    createdBy: String(raw.createdBy ?? ''),
    comment: String(raw.comment ?? ''),
  };
}

/** Alertmanager's v2 API: alerts with their silence state, and silences. */
export class AlertmanagerClient {
  constructor(readonly upstream: UpstreamClient) {}

  async alerts(signal?: AbortSignal): Promise<AmAlert[]> {
    const body = await this.upstream.request<any>({
      path: '/api/v2/alerts',
      signal,
    });
    if (!Array.isArray(body))
      throw new ServiceUnavailableError(
        'alertmanager answered /api/v2/alerts with an unexpected body',
      );
    return body
      .filter(a => a && typeof a === 'object')
      .map(a => {
        const state = a.status?.state;
        return {
          fingerprint: String(a.fingerprint ?? ''),
          labels: record(a.labels),
          state:
            state === 'suppressed' || state === 'unprocessed'
              ? state
              : 'active',
          silencedBy: strings(a.status?.silencedBy),
          inhibitedBy: strings(a.status?.inhibitedBy),
        };
      });
  }

  async silences(signal?: AbortSignal): Promise<AmSilence[]> {
    const body = await this.upstream.request<any>({
      path: '/api/v2/silences',
      signal,
    });
    if (!Array.isArray(body))
      throw new ServiceUnavailableError(
        'alertmanager answered /api/v2/silences with an unexpected body',
      );
    return body.map(toSilence).filter(Boolean) as AmSilence[];
  }

  /** One silence; NotFoundError when Alertmanager does not know it. */
  async silence(id: string): Promise<AmSilence> {
    const body = await this.upstream.request<any>({
      path: `/api/v2/silence/${encodeURIComponent(id)}`,
      notFound: `no silence ${id}`,
    });
    const silence = toSilence(body);
    if (!silence)
      throw new ServiceUnavailableError(
        'alertmanager answered with an unexpected silence',
      );
    return silence;
  }

  async createSilence(silence: NewSilence): Promise<string> {
    const body = await this.upstream.request<any>({
      method: 'POST',
      path: '/api/v2/silences',
      json: silence,
    });
    if (typeof body?.silenceID !== 'string') {
      throw new ServiceUnavailableError(
        'alertmanager did not return the new silence id',
      );
    }
    return body.silenceID;
  }

  async expireSilence(id: string): Promise<void> {
    await this.upstream.request({
      method: 'DELETE',
      path: `/api/v2/silence/${encodeURIComponent(id)}`,
      notFound: `no silence ${id}`,
    });
  }
}
