/**
 * Hostile input against the running plugin and the real VictoriaMetrics: many bad values through
 * every annotation and query parameter the backend reads. Each answer is a 400, or a 200 with
 * only the series of the literal value (none: no service of the demo has such a name), never
 * another service's series, never a 5xx.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_DASHBOARD_URL,
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_METRICS_PROFILE,
  ANNOTATION_PROMETHEUS_ALERT,
  ANNOTATION_PROMETHEUS_LABELS,
  ANNOTATION_SELECTOR,
  ANNOTATION_SERVICE_NAME,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { startStack } from '@internal/monitoring-local-stack';
import { stackVmselect } from '../__testUtils__/entities';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(300_000);

/** Quotes, backslashes, newlines, braces, PromQL keywords, regex metacharacters, look-alikes, control characters, long strings, prototype keys. */
const HOSTILE = [
  'payments"',
  'payments"} or vector(1) #',
  'payments\\',
  'pay\nments',
  '{service=~".+"}',
  'payments" or up',
  'payments offset 1d',
  '.*',
  'pay.ments',
  'payments|checkout',
  'p\u0430yments', // Cyrillic a
  'payments\u0000',
  'payments\u202e',
  'x'.repeat(5000),
  'constructor',
  '__proto__',
  'toString',
  'service=payments,namespace=shop',
  'service!=nothing',
  'namespace=shop',
  '{{ query "up" }}',
  'all', // as prometheus.io/alert alone: Roadie's "every alert" must not read every service's
];

/** The annotation (with the service named) each hostile value goes into. */
function variants(value: string): Array<Record<string, string>> {
  return [
    { [ANNOTATION_KUBERNETES_ID]: value },
    { [ANNOTATION_SERVICE_NAME]: value },
    {
      [ANNOTATION_KUBERNETES_ID]: 'payments',
      [ANNOTATION_KUBERNETES_NAMESPACE]: value,
    },
    { [ANNOTATION_KUBERNETES_LABEL_SELECTOR]: value },
    { [ANNOTATION_KUBERNETES_LABEL_SELECTOR]: `app=${value}` },
    {
      [ANNOTATION_KUBERNETES_ID]: 'nothing-here',
      [ANNOTATION_SELECTOR]: value,
    },
    {
      [ANNOTATION_KUBERNETES_ID]: 'nothing-here',
      [ANNOTATION_ALERT_SELECTOR]: value,
    },
    {
      [ANNOTATION_KUBERNETES_ID]: 'nothing-here',
      [ANNOTATION_METRICS_PROFILE]: value,
    },
    {
      [ANNOTATION_KUBERNETES_ID]: 'nothing-here',
      [ANNOTATION_DASHBOARD_URL]: value,
    },
    { [ANNOTATION_PROMETHEUS_ALERT]: value },
    {
      [ANNOTATION_PROMETHEUS_ALERT]: 'all',
      [ANNOTATION_PROMETHEUS_LABELS]: value,
    },
  ];
}

const entities: Entity[] = HOSTILE.flatMap((value, i) =>
  variants(value).map((annotations, j) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: `hostile-${i}-${j}`, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-x', lifecycle: 'production' },
  })),
);

describe('hostile input against the running backend and the real VictoriaMetrics', () => {
  let server: any;

  beforeAll(async () => {
    const env = await startStack({ log: () => {} });
    ({ server } = await startMonitoringBackend({
      monitoring: {
        vmselect: {
          ...stackVmselect(env),
          maxRequestsPerPrincipal: 1000,
        },
      },
      permissions: AuthorizeResult.ALLOW,
      entities,
    }));
  });

  const get = (path: string) =>
    request(server)
      .get(path)
      .set('Authorization', mockCredentials.user.header());
  const outcomes = new Map<number, number>();
  const count = (status: number) =>
    outcomes.set(status, (outcomes.get(status) ?? 0) + 1);

  it("answers every hostile annotation with a 400 or with no other service's data", async () => {
    const leaks: string[] = [];
    for (const entity of entities) {
      const base = `/api/monitoring/entity/component/default/${entity.metadata.name}`;
      const what = `${entity.metadata.name} ${JSON.stringify(entity.metadata.annotations).slice(0, 120)}`;
      const [metrics, alerts, history] = await Promise.all([
        get(`${base}/metrics`),
        get(`${base}/alerts`),
        get(`${base}/alerts/history`),
      ]);
      for (const [route, res] of [
        ['metrics', metrics],
        ['alerts', alerts],
        ['history', history],
      ] as const) {
        count(res.status);
        if (![200, 400].includes(res.status))
          leaks.push(
            `${route} ${res.status} for ${what}: ${JSON.stringify(res.body).slice(0, 200)}`,
          );
      }
      if (metrics.status === 200) {
        // No demo service is named like any hostile value: any series is someone else's.
        const withData = metrics.body.panels.filter((p: any) =>
          p.series.some((s: any) => s.points.length > 0),
        );
        if (withData.length)
          leaks.push(
            `metrics for ${what}: data in ${withData.map((p: any) => p.id).join(', ')}`,
          );
      }
      // Entities whose literal value names payments are its claimants: its alerts (which carry no
      // namespace) are theirs too. Every other entity must see none of the demo services' alerts.
      const namesPayments =
        entity.metadata.annotations?.[ANNOTATION_KUBERNETES_ID] ===
          'payments' ||
        /(^|,)service=payments(,|$)/.test(
          entity.metadata.annotations?.[ANNOTATION_PROMETHEUS_LABELS] ?? '',
        );
      if (alerts.status === 200 && !namesPayments) {
        const instances = alerts.body.rules.flatMap(
          (r: any) => r.instances ?? [],
        );
        const foreign = instances.filter((a: any) =>
          ['payments', 'checkout', 'inventory', 'storefront'].includes(
            a.labels?.service,
          ),
        );
        if (foreign.length)
          leaks.push(
            `alerts for ${what}: ${foreign.length} instances of demo services`,
          );
      }
      if (history.status === 200) {
        // The stack's own alerts carry no service and may show; the services' alerts (Service*) not.
        const foreign = namesPayments
          ? []
          : history.body.alerts.filter((a: any) =>
              /^Service/.test(a.alertname),
            );
        if (foreign.length)
          leaks.push(`history for ${what}: ${foreign.length} alerts`);
      }
    }
    expect(leaks).toEqual([]);
    // Both outcomes occur: the suite is not all 400s (values pass as literals) nor all 200s.
    expect(outcomes.get(400)).toBeGreaterThan(0);
    expect(outcomes.get(200)).toBeGreaterThan(0);
  });

  it('answers every hostile query parameter with a 400 or a normal answer, never a 5xx', async () => {
    const payments = '/api/monitoring/entity/component/default/hostile-0-0';
    const bad: string[] = [];
    for (const value of HOSTILE.map(encodeURIComponent).concat([
      '1e400',
      '-1',
      '99999999999999',
      'NaN',
      '2026-13-45T99:00:00Z',
    ])) {
      for (const path of [
        `${payments}/metrics?from=${value}`,
        `${payments}/metrics?to=${value}`,
        `${payments}/metrics?step=${value}`,
        `${payments}/metrics?from=${value}&to=${value}`,
        `${payments}/alerts/history?from=${value}`,
        `/api/monitoring/fleet?q=${value}`,
        `/api/monitoring/fleet?environment=${value}`,
        `/api/monitoring/fleet?owner=${value}`,
        `/api/monitoring/fleet?${value}=1`,
        `/api/monitoring/stack?${value}=1`,
        `/api/monitoring/entity/component/default/${value}/metrics`,
        `/api/monitoring/entity/${value}/default/payments/alerts`,
      ]) {
        const res = await get(path);
        count(res.status);
        if (res.status >= 500)
          bad.push(
            `${res.status} for ${path.slice(0, 160)}: ${JSON.stringify(res.body).slice(0, 160)}`,
          );
        if (res.status === 200 && path.startsWith('/api/monitoring/fleet')) {
          // Numbers only for the literal identity: the demo's series are all in namespace shop.
          const foreign = res.body.rows.filter(
            (r: any) =>
              r.namespace !== 'shop' &&
              Object.values(r.cells).some((c: any) => c.requestRate !== null),
          );
          if (foreign.length)
            bad.push(
              `fleet ${path}: numbers for ${foreign.map((r: any) => r.name).join(', ')}`,
            );
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
