/**
 * Integration: SLOs on the real stack. The example components' objectives (examples/
 * components.yaml) are what the local vmalert evaluates; the endpoint's every SLI, budget and
 * burn rate must equal PromQL written here by hand on the raw series at the same instant, the
 * burn-rate alerts must fire for payments' production (the demo's 20 % errors, and the backfilled
 * days before) and never for checkout, and the fleet's budget cells must be the recorded budget.
 */
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntitySloResponse,
  FleetResponse,
  parseDurationMs,
  parseSloAnnotations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import request from 'supertest';
import {
  exampleComponents,
  exampleSloGroups,
  LOCAL_HUB_RETENTION,
  startStack,
} from '@internal/monitoring-local-stack';
import { component, stackVmselect } from '../__testUtils__/entities';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { FLEET_SNAPSHOT_TASK } from '../fleet/FleetService';

jest.setTimeout(300_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

// The components as the catalog holds them: the example file the local hub's rules come from.
const entities = exampleComponents().map(e =>
  component(e.metadata.name, e.metadata.annotations ?? {}),
);
const annotationsOf = (name: string) =>
  entities.find(e => e.metadata.name === name)!.metadata.annotations!;

describe('SLOs and error budgets against the real stack', () => {
  let env: Awaited<ReturnType<typeof startStack>>;
  let server: Awaited<ReturnType<typeof startMonitoringBackend>>['server'];
  // Refreshes the fleet's snapshot on demand (production: every monitoring.snapshots.refresh).
  const scheduler = mockServices.scheduler();

  beforeAll(async () => {
    env = await startStack({ log: () => {} });
    ({ server } = await startMonitoringBackend({
      scheduler,
      monitoring: {
        // Rules come through vmauth and VMSelect's -vmalert.proxyURL, as the portal reads a hub.
        vmselect: stackVmselect(env),
        environments: ENVIRONMENTS,
        retention: LOCAL_HUB_RETENTION,
      },
      permissions: AuthorizeResult.ALLOW,
      entities,
    }));
  });

  async function slo(name: string, time?: number): Promise<EntitySloResponse> {
    const res = await request(server)
      .get(`/api/monitoring/entity/component/default/${name}/slo`)
      .query(time === undefined ? {} : { time: String(time) })
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    return res.body;
  }

  /** One value per environment, straight from VictoriaMetrics. */
  async function direct(
    query: string,
    time: number,
  ): Promise<Map<string, number>> {
    const res = await fetch(`${env.MONITORING_VM_DIRECT_URL}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query, time: String(time) }),
    });
    const body = await res.json();
    expect(body.status).toBe('success');
    return new Map(
      body.data.result.map((r: any) => [
        r.metric.service
          ? `${r.metric.service}/${r.metric.environment}`
          : r.metric.environment,
        Number(r.value[1]),
      ]),
    );
  }

  /** The error ratio of an objective over a window, written out by hand. */
  function handErrorRatio(
    service: string,
    kind: string,
    thresholdSeconds: number | undefined,
    window: string,
  ): string {
    const sel = (extra: string) =>
      `{service="${service}",namespace="shop"${extra}}`;
    if (kind === 'availability') {
      return (
        `sum by (environment) (rate(http_requests_total${sel(',code=~"5.."')}[${window}]))` +
        ` / sum by (environment) (rate(http_requests_total${sel('')}[${window}]))`
      );
    }
    return (
      `1 - sum by (environment) (rate(http_request_duration_seconds_bucket${sel(`,le="${thresholdSeconds}"`)}[${window}]))` +
      ` / sum by (environment) (rate(http_request_duration_seconds_bucket${sel(',le="+Inf"')}[${window}]))`
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

  /**
   * Equal, or for a window past 3 h close: VictoriaMetrics answers a repeated instant query with
   * such a window from its cache plus the newest part (`-search.minWindowForInstantRollupOptimization`,
   * 3h by default), and vmalert repeats the endpoint's very expressions every round, so the
   * endpoint's answer may be that approximation while the hand-written query is computed afresh.
   * Measured on a cold start: 2e-3 relative at most (3d window), or 4e-6 absolute on a tiny ratio.
   */
  const matches = (
    window: string,
    a: number | null | undefined,
    b: number | undefined,
  ) =>
    parseDurationMs(window)! <= 3 * 3_600_000
      ? close(a, b)
      : a !== null &&
        a !== undefined &&
        b !== undefined &&
        Math.abs(a - b) <= 1e-2 * Math.abs(b) + 1e-5;

  it.each(['payments', 'checkout'])(
    "%s: every SLI equals hand PromQL on the raw series at the same instant (within VictoriaMetrics' instant-rollup cache past 3 h), budgets and burn rates follow exactly",
    async name => {
      const declared = parseSloAnnotations(annotationsOf(name));
      expect(declared.objectives.length).toBeGreaterThan(0);
      // A settled instant: a minute ago, so late samples of the vmagents' queues are in.
      const t = Math.floor(Date.now() / 1000) - 60;
      const body = await slo(name, t);
      expect(Date.parse(body.evaluatedAt) / 1000).toBe(t);
      expect(body.period).toBe(declared.period);
      expect(body.objectives.map(o => [o.slo, o.target])).toEqual(
        declared.objectives.map(o => [o.slo, o.target]),
      );
      const mismatches: string[] = [];
      let compared = 0;
      for (const o of body.objectives) {
        const budget = 1 - o.target;
        const period = await direct(
          handErrorRatio(name, o.slo, o.thresholdSeconds, declared.period),
          t,
        );
        const byWindow = new Map<string, Map<string, number>>();
        for (const w of WINDOWS)
          byWindow.set(
            w,
            await direct(handErrorRatio(name, o.slo, o.thresholdSeconds, w), t),
          );
        for (const e of ENVIRONMENTS) {
          const status = o.environments.find(s => s.environment === e);
          const where = `${name} ${o.slo} ${e}`;
          if (!status) {
            mismatches.push(`${where}: missing`);
            continue;
          }
          const ratio = period.get(e);
          if (!matches(declared.period, status.errorRatio, ratio))
            mismatches.push(
              `${where}: period ratio ${status.errorRatio} vs ${ratio}`,
            );
          // The budget is the endpoint's own ratio against the budget, exactly.
          if (!close(status.budgetRemaining, 1 - status.errorRatio! / budget))
            mismatches.push(
              `${where}: budget ${status.budgetRemaining} vs ${1 - status.errorRatio! / budget}`,
            );
          for (const w of WINDOWS) {
            const burn = status.burnRates.find(b => b.window === w);
            const expected = byWindow.get(w)!.get(e);
            if (!matches(w, burn?.errorRatio, expected))
              mismatches.push(
                `${where} ${w}: ratio ${burn?.errorRatio} vs ${expected}`,
              );
            if (!close(burn?.burnRate, burn!.errorRatio! / budget))
              mismatches.push(
                `${where} ${w}: burn ${burn?.burnRate} vs ${burn!.errorRatio! / budget}`,
              );
            compared++;
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(compared).toBe(
        body.objectives.length * ENVIRONMENTS.length * WINDOWS.length,
      );
    },
  );

  it('the real vmalert loads every SLO group the example components render, and no rule reports an error', async () => {
    const expected = exampleSloGroups();
    let loaded: Array<{
      name: string;
      rules: Array<{
        name: string;
        lastError?: string;
        lastEvaluation?: string;
      }>;
    }> = [];
    for (let i = 0; i < 30; i++) {
      const body = await (
        await fetch(`${env.MONITORING_VMALERT_URL}/api/v1/rules`)
      ).json();
      loaded = body.data.groups.filter((g: { name: string }) =>
        expected.some(e => e.name === g.name),
      );
      // Every rule evaluated at least once (the period group runs every minute here).
      const evaluated = loaded.every(g =>
        g.rules.every(
          r => r.lastEvaluation && !r.lastEvaluation.startsWith('0001'),
        ),
      );
      if (loaded.length === expected.length && evaluated) break;
      await sleep(5000);
    }
    expect(loaded.map(g => g.name).sort()).toEqual(
      expected.map(g => g.name).sort(),
    );
    expect(loaded.map(g => g.rules.length)).toEqual(
      loaded.map(g => expected.find(e => e.name === g.name)!.rules.length),
    );
    expect(
      loaded.flatMap(g =>
        g.rules
          .filter(r => r.lastError)
          .map(r => `${g.name}/${r.name}: ${r.lastError}`),
      ),
    ).toEqual([]);
  });

  it("payments' production pages and its budget is spent; checkout's never pages and its budget is healthy", async () => {
    // The burn-rate alerts read recorded series: the first rounds after a start need a minute.
    type Alert = { labels: Record<string, string>; state: string };
    let alerts: Alert[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await (
        await fetch(`${env.MONITORING_VMALERT_URL}/api/v1/alerts`)
      ).json();
      alerts = res.data.alerts;
      if (
        alerts.some(
          a =>
            a.labels.alertname === 'ServiceSLOErrorBudgetBurnPage' &&
            a.labels.service === 'payments' &&
            a.labels.environment === 'production' &&
            a.state === 'firing',
        )
      )
        break;
      await sleep(5000);
    }
    const paging = alerts.filter(
      a =>
        a.labels.alertname === 'ServiceSLOErrorBudgetBurnPage' &&
        a.state === 'firing',
    );
    expect(
      paging.some(
        a =>
          a.labels.service === 'payments' &&
          a.labels.environment === 'production' &&
          a.labels.sloth_slo === 'availability' &&
          a.labels.sloth_severity === 'page',
      ),
    ).toBe(true);
    expect(paging.filter(a => a.labels.service === 'checkout')).toEqual([]);

    const payments = await slo('payments');
    const availability = payments.objectives.find(
      o => o.slo === 'availability',
    )!;
    const production = availability.environments.find(
      e => e.environment === 'production',
    )!;
    expect(production.budgetRemaining!).toBeLessThan(0);
    expect(production.timeToExhaustionSeconds).toBe(0);
    expect(
      production.alerts!.some(
        a => a.severity === 'page' && a.state === 'firing',
      ),
    ).toBe(true);
    // The budget burned down over the period: its last point is today's budget.
    expect(production.history.length).toBeGreaterThan(10);
    expect(
      production.history[production.history.length - 1].budgetRemaining!,
    ).toBeLessThan(0);

    const checkout = await slo('checkout');
    for (const o of checkout.objectives) {
      const prod = o.environments.find(e => e.environment === 'production')!;
      expect(prod.budgetRemaining!).toBeGreaterThan(0.5);
      expect(prod.alerts!.filter(a => a.severity === 'page')).toEqual([]);
    }
  });

  it("the fleet's budget cells are the recorded worst budget per service and environment", async () => {
    let body: FleetResponse | undefined;
    let mismatches: string[] = ['not read yet'];
    for (let i = 0; i < 30 && mismatches.length; i++) {
      await scheduler.triggerTask(FLEET_SNAPSHOT_TASK);
      const res = await request(server)
        .get('/api/monitoring/fleet')
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(200);
      body = res.body;
      const t = Date.parse(body!.generatedAt) / 1000;
      const recorded = await direct(
        'min by (service, environment) (slo:period_error_budget_remaining:ratio{namespace="shop"})',
        t,
      );
      mismatches = [];
      for (const row of body!.rows)
        for (const e of ENVIRONMENTS) {
          const declared =
            parseSloAnnotations(annotationsOf(row.name)).objectives.length > 0;
          const cell = row.cells[e]?.budgetRemaining ?? null;
          const expected = recorded.get(`${row.service}/${e}`);
          if (declared ? !close(cell, expected) : cell !== null)
            mismatches.push(`${row.name}/${e}: ${cell} vs ${expected}`);
        }
      if (mismatches.length) await sleep(5000);
    }
    expect(mismatches).toEqual([]);
    const cellOf = (name: string) =>
      body!.rows.find(r => r.name === name)!.cells.production.budgetRemaining;
    expect(cellOf('payments')!).toBeLessThan(0);
    expect(cellOf('checkout')!).toBeGreaterThan(0.5);
    // The same number the SLO endpoint gives (the recorded one is up to one round older).
    const payments = await slo('payments');
    const worst = Math.min(
      ...payments.objectives.map(
        o =>
          o.environments.find(e => e.environment === 'production')!
            .budgetRemaining!,
      ),
    );
    expect(close(cellOf('payments'), worst, 0.02)).toBe(true);
  });
});
