/**
 * Integration: the VMRule the monitor-a-service template renders for the example components,
 * evaluated on the real local stack (victoria-metrics fed by the three spokes' vmagents and the
 * demo exporter). The demo makes `payments` unhealthy in production only (~20% 5xx, p95 ~2.25 s):
 * both of its alerts must fire there and nowhere else, and every alert's value must be there to
 * read in every environment (an alert that matches no series would also "not fire").
 */
import {
  buildServiceRules,
  ERROR_RATIO_ALERT,
  LATENCY_ALERT,
  ServiceAlert,
  validateObjects,
} from '@hubspoke/backstage-plugin-monitoring-manifests';
import { startStack } from './index';
import { exampleComponents } from './rules';

jest.setTimeout(240_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const CLUSTERS: Record<string, string> = {
  dev: 'dev-cluster',
  staging: 'staging-cluster',
  production: 'prod-cluster',
};

interface Sample {
  metric: Record<string, string>;
  value: number;
}

/** The example components that name a service (shop-docs has no metrics). */
const COMPONENTS = exampleComponents().filter(
  c => c.metadata.annotations?.['backstage.io/kubernetes-id'],
);

describe('monitor-a-service alerts on the real stack', () => {
  let vm: string;
  const rendered = new Map<string, ReturnType<typeof buildServiceRules>>();

  async function query(expr: string): Promise<Sample[]> {
    const res = await fetch(`${vm}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    const body = await res.json();
    expect(body.status).toBe('success');
    return body.data.result.map((r: any) => ({
      metric: r.metric,
      value: Number(r.value[1]),
    }));
  }

  /** `{ environment: value }` of one expression. */
  async function byEnvironment(expr: string): Promise<Record<string, number>> {
    const samples = await query(expr);
    for (const s of samples) {
      // The grouping the rule promises: one series per service, namespace, cluster and
      // environment (every alert says its namespace: see the claim rules).
      expect(Object.keys(s.metric).sort()).toEqual([
        'cluster',
        'environment',
        'namespace',
        'service',
      ]);
      expect(s.metric.namespace).toBe('shop');
      expect(s.metric.cluster).toBe(CLUSTERS[s.metric.environment]);
    }
    return Object.fromEntries(
      samples.map(s => [s.metric.environment, s.value]),
    );
  }

  const alertOf = (service: string, name: string): ServiceAlert =>
    rendered.get(service)!.alerts.find(a => a.alert === name)!;

  /**
   * A stack that has just started needs two scrapes per spoke before a rate has a point: wait
   * (bounded) until every alert's value has a sample in every environment.
   */
  async function waitForValues(timeoutMs = 150_000) {
    const started = Date.now();
    for (;;) {
      const missing: string[] = [];
      for (const [service, r] of rendered) {
        for (const a of r.alerts) {
          const values = await byEnvironment(a.value);
          for (const env of ENVIRONMENTS)
            if (!(env in values)) missing.push(`${service}/${a.alert}/${env}`);
        }
      }
      if (!missing.length) return;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `no data after ${timeoutMs / 1000} s for ${missing.join(', ')}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 3000));
    }
  }

  beforeAll(async () => {
    const env = await startStack({ log: () => {} });
    vm = env.MONITORING_VM_DIRECT_URL;
    for (const entity of COMPONENTS) {
      const r = buildServiceRules({ entity });
      validateObjects([r.rule]);
      rendered.set(r.target.service, r);
    }
    await waitForValues();
  });

  it('renders one VMRule per example service whose rules are the alert expressions', () => {
    expect([...rendered.keys()].sort()).toEqual([
      'checkout',
      'inventory',
      'payments',
      'storefront',
    ]);
    for (const r of rendered.values()) {
      const rules = (r.rule.spec as any).groups[0].rules;
      expect(rules.map((x: any) => [x.alert, x.expr])).toEqual(
        r.alerts.map(a => [a.alert, a.expr]),
      );
      for (const a of r.alerts)
        expect(a.expr.startsWith(`${a.value} > `)).toBe(true);
    }
  });

  it('payments breaches the error-ratio and the latency alert in production, and only there', async () => {
    const errorRatio = await byEnvironment(
      alertOf('payments', ERROR_RATIO_ALERT).value,
    );
    const p95 = await byEnvironment(alertOf('payments', LATENCY_ALERT).value);
    // The demo: 20% 5xx, log-normal latency around a 600 ms median (p95 ~2.25 s in its buckets).
    expect(errorRatio.production).toBeGreaterThan(0.15);
    expect(errorRatio.production).toBeLessThan(0.25);
    expect(p95.production).toBeGreaterThan(1.5);
    expect(p95.production).toBeLessThan(3);

    const firingErrors = await byEnvironment(
      alertOf('payments', ERROR_RATIO_ALERT).expr,
    );
    const firingLatency = await byEnvironment(
      alertOf('payments', LATENCY_ALERT).expr,
    );
    expect(Object.keys(firingErrors)).toEqual(['production']);
    expect(Object.keys(firingLatency)).toEqual(['production']);
    // With the threshold the value is the same: the comparison filters, it does not change it.
    expect(firingErrors.production).toBeCloseTo(errorRatio.production, 2);
    expect(firingLatency.production).toBeCloseTo(p95.production, 1);
  });

  it.each(['checkout', 'inventory', 'storefront'])(
    '%s stays below both thresholds in every environment',
    async service => {
      for (const a of rendered.get(service)!.alerts) {
        const values = await byEnvironment(a.value);
        expect(Object.keys(values).sort()).toEqual([...ENVIRONMENTS].sort());
        const threshold = a.alert === ERROR_RATIO_ALERT ? 0.05 : 0.5;
        for (const env of ENVIRONMENTS)
          expect(values[env]).toBeLessThan(threshold);
        expect(await query(a.expr)).toEqual([]);
      }
    },
  );
});
