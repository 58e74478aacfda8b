/**
 * What "the stack is ready" means beyond open ports: data from every spoke has gone through
 * vmagent -> vmauth -> VictoriaMetrics and can be read back through vmauth as the portal.
 */
import { LABELS } from '../../plugins/monitoring-common/src/labelContract';
import { ENVIRONMENTS } from './environments';
import { StackEnv } from './env';
import { instantQuery } from './http';

export interface DataCheck {
  description: string;
  query: string;
  /** Processes whose logs explain a failure. */
  suspects: string[];
}

export const DATA_CHECKS: DataCheck[] = [
  {
    description: 'request rates from every environment',
    query: `count by (${LABELS.environment}) (rate(http_requests_total[1m]))`,
    suspects: [
      ...ENVIRONMENTS.map(e => `vmagent-${e.name}`),
      'vmauth',
      'demo-exporter',
    ],
  },
  {
    description: 'kube_pod_labels with a service from every environment',
    query: `count by (${LABELS.environment}) (kube_pod_labels{${LABELS.service}!=""})`,
    suspects: [...ENVIRONMENTS.map(e => `vmagent-${e.name}`), 'demo-exporter'],
  },
];

/** `true` when the query returns a series for every environment, else what is missing. */
export async function checkAllEnvironments(
  env: StackEnv,
  check: DataCheck,
): Promise<true | string> {
  const result = await instantQuery(env.MONITORING_VMSELECT_URL, check.query, {
    username: env.MONITORING_VMSELECT_USERNAME,
    password: env.MONITORING_VMSELECT_PASSWORD,
  });
  const seen = new Set(result.map(s => s.metric[LABELS.environment]));
  const missing = ENVIRONMENTS.map(e => e.name).filter(e => !seen.has(e));
  return missing.length === 0 ? true : `no data yet from ${missing.join(', ')}`;
}
