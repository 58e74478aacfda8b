/**
 * Integration: GET /fleet against the real stack. With the raw series its numbers must equal
 * hand-written PromQL sent straight to VictoriaMetrics at the same instant; with the hub's
 * recording rules (which the local vmalert evaluates) they must equal the recorded series and
 * stay close to the raw ones. The demo makes payments critical in production only.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FleetResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import { startStack } from '@internal/monitoring-local-stack';
import { component, stackVmselect } from '../__testUtils__/entities';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

jest.setTimeout(240_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const SERVICES = ['checkout', 'payments', 'inventory', 'storefront'];
const entities = SERVICES.map(s =>
  component(s, {
    'backstage.io/kubernetes-id': s,
    'backstage.io/kubernetes-namespace': 'shop',
  }),
);

describe('GET /fleet against the real stack', () => {
  let vmDirect: string;
  let env: Awaited<ReturnType<typeof startStack>>;

  beforeAll(async () => {
    env = await startStack({ log: () => {} });
    vmDirect = env.MONITORING_VM_DIRECT_URL;
  });

  async function fleet(source: 'raw' | 'auto'): Promise<FleetResponse> {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: stackVmselect(env),
        environments: ENVIRONMENTS,
        fleet: { source },
      },
      permissions: AuthorizeResult.ALLOW,
      entities,
    });
    const res = await request(server)
      .get('/api/monitoring/fleet')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  }

  async function direct(
    query: string,
    time: number,
  ): Promise<Map<string, number>> {
    const res = await fetch(`${vmDirect}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query, time: String(time) }),
    });
    const body = await res.json();
    expect(body.status).toBe('success');
    return new Map(
      body.data.result.map((r: any) => [
        `${r.metric.service}/${r.metric.environment}`,
        Number(r.value[1]),
      ]),
    );
  }

  const close = (
    a: number | null | undefined,
    b: number | undefined,
    rel = 1e-9,
  ) =>
    a !== null &&
    a !== undefined &&
    b !== undefined &&
    Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

  /** Every cell of a raw-series fleet compared with hand-written PromQL at the fleet's instant. */
  async function compareWithRaw(body: FleetResponse) {
    const t = Date.parse(body.generatedAt) / 1000;
    const sel = (s: string, e: string, extra = '') =>
      `{service="${s}",namespace="shop",environment="${e}"${extra}}`;
    const results: Array<{
      s: string;
      e: string;
      rate: boolean;
      ratio: boolean;
      p95: boolean;
    }> = [];
    for (const s of SERVICES) {
      const row = body.rows.find(r => r.name === s)!;
      for (const e of ENVIRONMENTS) {
        const rate = (
          await direct(`sum(rate(http_requests_total${sel(s, e)}[2m]))`, t)
        )
          .values()
          .next().value;
        const errors =
          (
            await direct(
              `sum(rate(http_requests_total${sel(s, e, ',code=~"5.."')}[2m]))`,
              t,
            )
          )
            .values()
            .next().value ?? 0;
        const p95 = (
          await direct(
            `histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket${sel(s, e)}[2m])))`,
            t,
          )
        )
          .values()
          .next().value;
        const cell = row.cells[e];
        results.push({
          s,
          e,
          rate: close(cell.requestRate, rate),
          ratio: close(cell.errorRatio, errors / rate!),
          p95: close(cell.latencyP95, p95),
        });
      }
    }
    return results;
  }

  it('equals hand-written PromQL over the raw series, for every example service and environment', async () => {
    // Right after the stack (re)starts, the vmagents still deliver queued samples older than the
    // fleet's settled instant: equality must hold once they are in, so up to 4 tries 5 s apart.
    let results: Awaited<ReturnType<typeof compareWithRaw>> = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const body = await fleet('raw');
      expect(body.source).toBe('raw');
      results = await compareWithRaw(body);
      if (results.every(r => r.rate && r.ratio && r.p95)) break;
      await new Promise(resolve => setTimeout(resolve, 5000));
    }
    expect(results).toHaveLength(SERVICES.length * ENVIRONMENTS.length);
    expect(results.filter(r => !(r.rate && r.ratio && r.p95))).toEqual([]);
  });

  it('reads the recording rules the hub deploys, payments/production critical and first', async () => {
    // vmalert evaluates them every 15 s, and right after a start a 2m window is not full yet:
    // wait (bounded) for every service in every environment, recorded over full windows.
    let body: FleetResponse | undefined;
    let checks: Array<{ key: string; recorded: boolean; nearRaw: boolean }> =
      [];
    for (let i = 0; i < 40; i++) {
      body = await fleet('auto');
      const complete =
        body.rows.length === SERVICES.length &&
        body.rows.every(r =>
          ENVIRONMENTS.every(e => r.cells[e].requestRate !== null),
        );
      if (body.source === 'recording-rules' && complete) {
        const t = Date.parse(body.generatedAt) / 1000;
        const recorded = await direct(
          'sum by (service, environment) (service_cluster:http_requests:rate2m{namespace="shop"})',
          t,
        );
        const raw = await direct(
          'sum by (service, environment) (rate(http_requests_total{namespace="shop"}[2m]))',
          t,
        );
        checks = body.rows.flatMap(row =>
          ENVIRONMENTS.map(e => {
            const key = `${row.service}/${e}`;
            return {
              key,
              recorded: close(row.cells[e].requestRate, recorded.get(key)),
              // The recorded value is up to one evaluation old: close to the raw rate, not equal.
              nearRaw: close(row.cells[e].requestRate, raw.get(key), 0.25),
            };
          }),
        );
        if (checks.every(c => c.recorded && c.nearRaw)) break;
      }
      await new Promise(resolve => setTimeout(resolve, 3000));
    }
    expect(body!.source).toBe('recording-rules');
    expect(checks).toHaveLength(SERVICES.length * ENVIRONMENTS.length);
    expect(checks.filter(c => !(c.recorded && c.nearRaw))).toEqual([]);
    expect(body!.rows[0].name).toBe('payments');
    expect(body!.rows[0].cells.production.health).toBe('critical');
    expect(body!.rows[0].cells.dev.health).not.toBe('critical');
    expect(body!.rows.slice(1).every(r => r.health !== 'critical')).toBe(true);
  });
});
