/**
 * Integration: the real local stack (victoria-metrics behind vmauth, three vmagents, the demo
 * exporter) and the real plugin. The endpoint's numbers must equal what direct PromQL against
 * VictoriaMetrics returns for the same window. The direct queries are written out here by hand,
 * not taken from the plugin, so a wrong template shows up as a difference.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { component, stackVmselect } from '../__testUtils__/entities';
// The stack's own code: the same module `npm run stack` uses.
import { startStack } from '@internal/monitoring-local-stack';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(240_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const SERVICES = ['checkout', 'payments', 'inventory', 'storefront'];

async function directRange(
  vmUrl: string,
  query: string,
  start: number,
  end: number,
  step: number,
) {
  const res = await fetch(`${vmUrl}/api/v1/query_range`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      query,
      start: String(start),
      end: String(end),
      step: `${step}s`,
    }),
  });
  const body = await res.json();
  expect(body.status).toBe('success');
  return body.data.result as Array<{
    metric: Record<string, string>;
    values: [number, string][];
  }>;
}

/** Direct series as `[ms, value]` points without non-finite values, like the endpoint's. */
function points(values: [number, string][]): Array<[number, number]> {
  return values
    .map(([t, v]): [number, number] => [t * 1000, Number(v)])
    .filter(([, v]) => Number.isFinite(v));
}

/**
 * Same timestamps, and values equal up to float summation order (a grouped `sum by` and a
 * filtered `sum` may add the same series in a different order).
 */
function expectSameSeries(
  actual: Array<[number, number]> | undefined,
  direct: [number, string][],
) {
  const expected = points(direct);
  expect(actual).toBeDefined();
  expect(actual!.map(p => p[0])).toEqual(expected.map(p => p[0]));
  actual!.forEach(([, v], i) => {
    expect(Math.abs(v - expected[i][1])).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(v)),
    );
  });
  expect(expected.length).toBeGreaterThan(0);
}

describe('GET /entity/:kind/:namespace/:name/metrics against the real stack', () => {
  let server: any;
  let vmDirect: string;

  beforeAll(async () => {
    const env = await startStack({ log: () => {} });
    vmDirect = env.MONITORING_VM_DIRECT_URL;
    ({ server } = await startMonitoringBackend({
      monitoring: {
        // Through vmauth's tenant read path as the portal's read user.
        vmselect: stackVmselect(env),
        environments: ENVIRONMENTS,
      },
      entities: [
        ...SERVICES.map(s =>
          component(s, {
            'backstage.io/kubernetes-id': s,
            'backstage.io/kubernetes-namespace': 'shop',
          }),
        ),
        component('injected', {
          'backstage.io/kubernetes-id': 'checkout"} or vector(1) #',
        }),
        component('injected-selector', {
          'backstage.io/kubernetes-id': 'checkout',
          'monitoring/selector': 'route=x"} or vector(1) #',
        }),
      ],
    }));
  });

  /**
   * A stack that has just started has samples only in the last seconds, and each scrape job's
   * first `rate()` point needs two scrapes: wait (bounded) until every panel of every service has
   * a point in every environment inside the settled window, so the comparisons below have data.
   */
  async function waitForDataInWindow(timeoutMs = 150_000) {
    const started = Date.now();
    for (;;) {
      const { from, to } = window();
      const missing: string[] = [];
      for (const service of SERVICES) {
        const r = await metrics(service, from, to);
        for (const p of r.panels) {
          for (const env of ENVIRONMENTS) {
            if (!p.series.find(s => s.environment === env)?.points.length)
              missing.push(`${service}/${p.id}/${env}`);
          }
        }
      }
      if (!missing.length) return;
      if (Date.now() - started > timeoutMs) {
        throw new Error(
          `no data after ${timeoutMs / 1000} s for ${missing.slice(0, 10).join(', ')}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 3000));
    }
  }

  let stackStartedAt = 0;
  beforeAll(async () => {
    const res = await fetch(
      `${vmDirect}/api/v1/query?query=${encodeURIComponent('max(process_start_time_seconds)')}`,
    );
    stackStartedAt = Number((await res.json()).data.result[0]?.value[1] ?? 0);
    await waitForDataInWindow();
  });

  /**
   * A settled window: aligned to the step and ending 15 s ago. The spokes flush every second
   * and VM hides the last 5 s, so no sample at or before `to` arrives between the two queries,
   * yet a stack started a moment ago already has points in it.
   */
  function window(seconds = 600) {
    const step = 15;
    const to = Math.floor((Date.now() / 1000 - 15) / step) * step;
    // Start after the stack's last (re)start: around a scrape gap a rate() and a join can end a
    // point apart, which is not what these comparisons are about.
    const afterRestart = Math.ceil((stackStartedAt + 1) / step) * step;
    return {
      from: Math.min(to - 60, Math.max(to - seconds, afterRestart)),
      to,
      step,
    };
  }

  async function metrics(name: string, from: number, to: number) {
    const res = await request(server)
      .get(
        `/api/monitoring/entity/component/default/${name}/metrics?from=${from}&to=${to}`,
      )
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body as EntityMetricsResponse;
  }

  const panel = (r: EntityMetricsResponse, id: string) =>
    r.panels.find(p => p.id === id)!;
  const line = (r: EntityMetricsResponse, id: string, env: string) =>
    panel(r, id).series.find(s => s.environment === env);

  it('returns every demo service in all three environments', async () => {
    const { from, to } = window();
    for (const service of SERVICES) {
      const r = await metrics(service, from, to);
      expect(r.environments).toEqual(ENVIRONMENTS);
      for (const p of r.panels) {
        expect(p.error).toBeUndefined();
        expect(p.series.map(s => s.environment)).toEqual(ENVIRONMENTS);
        for (const s of p.series) expect(s.points.length).toBeGreaterThan(0);
      }
    }
  });

  it('equals direct PromQL for request rate, error ratio and p95 of payments in production', async () => {
    const { from, to, step } = window();
    const r = await metrics('payments', from, to);
    expect(r.stepSeconds).toBe(step);
    const sel = 'service="payments",namespace="shop",environment="production"';

    const [rate] = await directRange(
      vmDirect,
      `sum(rate(http_requests_total{${sel}}[120s]))`,
      from,
      to,
      step,
    );
    expectSameSeries(line(r, 'requestRate', 'production')?.points, rate.values);

    const [errors] = await directRange(
      vmDirect,
      `sum(rate(http_requests_total{${sel},code=~"5.."}[120s])) / sum(rate(http_requests_total{${sel}}[120s]))`,
      from,
      to,
      step,
    );
    const ratio = line(r, 'errorRatio', 'production')!;
    expectSameSeries(ratio.points, errors.values);
    // The demo's unhealthy service: about a fifth of its production requests fail.
    expect(ratio.latest).toBeGreaterThan(0.1);

    const [p95] = await directRange(
      vmDirect,
      `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[120s])))`,
      from,
      to,
      step,
    );
    expectSameSeries(line(r, 'latencyP95', 'production')?.points, p95.values);
    expect(line(r, 'latencyP95', 'production')!.latest).toBeGreaterThan(0.5);
  });

  it('joins cAdvisor CPU and memory to the service like a pod-name match does', async () => {
    const { from, to, step } = window();
    const r = await metrics('checkout', from, to);
    for (const env of ENVIRONMENTS) {
      // Independent of kube_pod_labels: the demo pods are named after their service.
      const sel = `environment="${env}",namespace="shop",pod=~"checkout-.*",container!="",container!="POD"`;
      const [cpu] = await directRange(
        vmDirect,
        `sum(rate(container_cpu_usage_seconds_total{${sel}}[120s]))`,
        from,
        to,
        step,
      );
      const [mem] = await directRange(
        vmDirect,
        `sum(container_memory_working_set_bytes{${sel}})`,
        from,
        to,
        step,
      );
      const cpuLine = line(r, 'cpu', env)!;
      expectSameSeries(cpuLine.points, cpu.values);
      expectSameSeries(line(r, 'memory', env)?.points, mem.values);
      expect(cpuLine.latest).toBeGreaterThan(0);
    }
  });

  it('healthy services stay below 5% errors everywhere', async () => {
    const { from, to } = window();
    for (const service of ['checkout', 'inventory', 'storefront']) {
      const r = await metrics(service, from, to);
      for (const env of ENVIRONMENTS)
        expect(line(r, 'errorRatio', env)!.latest).toBeLessThan(0.05);
    }
  });

  it('an injected annotation cannot widen a query', async () => {
    const { from, to } = window();
    // `checkout"} or vector(1) #` is one (non-existent) service name: no series at all.
    const injected = await metrics('injected', from, to);
    for (const p of injected.panels) {
      expect(p.error).toBeUndefined();
      expect(p.series).toEqual([]);
    }
    // The same in monitoring/selector: an exact value of `route`, which matches nothing.
    const selector = await metrics('injected-selector', from, to);
    expect(panel(selector, 'requestRate').series).toEqual([]);
  });
});
