/**
 * What "the stack is ready" means beyond open ports: data from every spoke has gone through
 * vmagent -> vmauth -> VictoriaMetrics and can be read back through vmauth as the portal.
 *
 * Presence alone is not enough after a restart on a kept data dir: VictoriaMetrics' `rate()`
 * also uses the last sample before its window, so series from the previous run keep answering
 * for a while. Each check therefore also requires the newest sample per environment to be
 * younger than `notBefore`.
 */
import { LABELS } from '@hubspoke/backstage-plugin-monitoring-common';
import { DEMO_SERVICES } from './demoServices';
import { ENVIRONMENTS } from './environments';
import { StackEnv } from './env';
import { instantQuery } from './http';

export interface DataCheck {
  description: string;
  /** Must return a series for every key in `expected`. */
  query: string;
  /** The labels `query` groups by, and the label values that must all be present. */
  by: string[];
  expected: string[][];
  /** The series whose newest sample must be fresh. */
  selector: string;
  /** Processes whose logs explain a failure. */
  suspects: string[];
}

const vmagents = ENVIRONMENTS.map(e => `vmagent-${e.name}`);
const environments = ENVIRONMENTS.map(e => [e.name]);
const servicesPerEnvironment = ENVIRONMENTS.flatMap(e =>
  DEMO_SERVICES.map(s => [e.name, s.name]),
);

export const DATA_CHECKS: DataCheck[] = [
  {
    // Per service, not only per environment: a test that starts the stack and immediately
    // queries every service must not find some of them still missing.
    description: 'request rates of every demo service in every environment',
    query: `count by (${LABELS.environment}, ${LABELS.service}) (rate(http_requests_total[1m]))`,
    by: [LABELS.environment, LABELS.service],
    expected: servicesPerEnvironment,
    selector: 'http_requests_total',
    suspects: [...vmagents, 'vmauth', 'demo-exporter'],
  },
  {
    description: 'kube_pod_labels with a service from every environment',
    query: `count by (${LABELS.environment}) (kube_pod_labels{${LABELS.service}!=""})`,
    by: [LABELS.environment],
    expected: environments,
    selector: `kube_pod_labels{${LABELS.service}!=""}`,
    suspects: [...vmagents, 'demo-exporter'],
  },
];

/**
 * `true` when the check's query returns every expected key and each environment's newest
 * sample is later than `notBefore` (epoch seconds); otherwise what is still missing.
 */
export async function runDataCheck(
  env: StackEnv,
  check: DataCheck,
  notBefore: number,
): Promise<true | string> {
  const auth = {
    username: env.MONITORING_VMSELECT_USERNAME,
    password: env.MONITORING_VMSELECT_PASSWORD,
  };
  const url = env.MONITORING_VMSELECT_URL;
  const newestQuery = `max by (${LABELS.environment}) (timestamp(${check.selector}))`;
  const [present, newest] = await Promise.all([
    instantQuery(url, check.query, auth),
    instantQuery(url, newestQuery, auth),
  ]);
  const key = (values: string[]) => values.join('/');
  const seen = new Set(
    present.map(s => key(check.by.map(l => s.metric[l] ?? ''))),
  );
  const missing = check.expected.map(key).filter(k => !seen.has(k));
  if (missing.length > 0) return `no data yet for ${missing.join(', ')}`;
  const fresh = new Set(
    newest
      .filter(s => Number(s.value[1]) > notBefore)
      .map(s => s.metric[LABELS.environment]),
  );
  const stale = ENVIRONMENTS.map(e => e.name).filter(e => !fresh.has(e));
  if (stale.length > 0) return `no fresh samples yet from ${stale.join(', ')}`;
  return true;
}
