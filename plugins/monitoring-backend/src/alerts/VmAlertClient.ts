import { ServiceUnavailableError } from '@backstage/errors';
import { UpstreamClient } from '../lib/UpstreamClient';

/** A pending or firing alert as vmalert reports it, normalised. */
export interface VmAlert {
  state: 'firing' | 'pending';
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  value: number | null;
  activeAt?: string;
  source?: string;
}

/** An alerting rule as vmalert reports it, normalised; `alerts` is empty when none is active. */
export interface VmAlertRule {
  id: string;
  name: string;
  group: string;
  query: string;
  forSeconds?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: VmAlert[];
}

const record = (v: unknown): Record<string, string> => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).filter(
      (e): e is [string, string] => typeof e[1] === 'string',
    ),
  );
};
const text = (v: unknown): string | undefined =>
  typeof v === 'string' && v ? v : undefined;

function toAlert(raw: any): VmAlert | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  if (raw.state !== 'firing' && raw.state !== 'pending') return undefined;
  const labels = record(raw.labels);
  const value =
    typeof raw.value === 'string' || typeof raw.value === 'number'
      ? Number(raw.value)
      : NaN;
  return {
    state: raw.state,
    name: text(raw.name) ?? labels.alertname ?? '',
    labels,
    annotations: record(raw.annotations),
    value: Number.isFinite(value) ? value : null,
    activeAt: text(raw.activeAt),
    source: text(raw.source),
  };
}

/**
 * Reads vmalert's Prometheus-compatible API (directly, or through VMSelect's
 * `-vmalert.proxyURL`). Tolerates every shape seen: no `alerts` key on inactive rules (current
 * releases), `"alerts": null` (1.79), rules without `type` (older releases), unknown fields.
 */
export class VmAlertClient {
  constructor(readonly upstream: UpstreamClient) {}

  /** Every alerting rule with its active alerts, in one request. */
  async alertingRules(signal?: AbortSignal): Promise<VmAlertRule[]> {
    // `type=alert` (>= 1.98) leaves recording rules out upstream; older releases ignore it and
    // the filter below does the same.
    const body = await this.upstream.request<any>({
      path: '/api/v1/rules',
      query: { type: 'alert' },
      signal,
    });
    // `"groups": null` is no groups, as `"alerts": null` is no alerts.
    const groups = body?.data?.groups === null ? [] : body?.data?.groups;
    if (body?.status !== 'success' || !Array.isArray(groups)) {
      throw new ServiceUnavailableError(
        'vmalert answered /api/v1/rules with an unexpected body',
      );
    }
    const rules: VmAlertRule[] = [];
    for (const group of groups) {
      for (const rule of Array.isArray(group?.rules) ? group.rules : []) {
        if (rule?.type !== undefined && rule.type !== 'alerting') continue;
        const name = text(rule?.name);
        if (!name) continue;
        rules.push({
          id: text(rule.id) ?? `${text(group.name) ?? ''}/${name}`,
          name,
          group: text(group.name) ?? '',
          query: typeof rule.query === 'string' ? rule.query : '',
          forSeconds:
            typeof rule.duration === 'number' ? rule.duration : undefined,
          labels: record(rule.labels),
          annotations: record(rule.annotations),
          alerts: (Array.isArray(rule.alerts) ? rule.alerts : [])
            .map(toAlert)
            .filter(Boolean) as VmAlert[],
        });
      }
    }
    return rules;
  }

  /** Every pending and firing alert. */
  async alerts(signal?: AbortSignal): Promise<VmAlert[]> {
    const body = await this.upstream.request<any>({
      path: '/api/v1/alerts',
      signal,
    });
    if (
      body?.status !== 'success' ||
      !body.data ||
      typeof body.data !== 'object'
    ) {
      throw new ServiceUnavailableError(
        'vmalert answered /api/v1/alerts with an unexpected body',
      );
    }
    const alerts = Array.isArray(body.data.alerts) ? body.data.alerts : [];
    return alerts.map(toAlert).filter(Boolean) as VmAlert[];
  }
}
