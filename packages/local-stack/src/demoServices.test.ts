/**
 * The example catalog's objectives against the demo the stack serves: they parse with the
 * common SLO contract, their latency thresholds are bucket boundaries of the demo's histogram,
 * and the demo's profiles give the budgets the demo promises (payments exhausted in production,
 * checkout and inventory healthy).
 */
import {
  budgetRemaining,
  hasSloAnnotations,
  parseSloAnnotations,
  ServiceSlos,
  SLO_BURN_RATE_ALERTS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { demoErrorRatio } from './backfillSeries';
import { BUCKETS } from './demoSeries.mjs';
import { DEMO_INCIDENTS, DEMO_SERVICES } from './demoServices';
import { exampleComponents } from './rules';

const DAY = 86_400_000;

/** The example components that name a demo service. */
const COMPONENTS = exampleComponents().filter(
  c => c.metadata.annotations?.['backstage.io/kubernetes-id'],
);

const slosOf = (name: string): ServiceSlos =>
  parseSloAnnotations(
    COMPONENTS.find(c => c.metadata.name === name)!.metadata.annotations,
  );
const service = (name: string) => DEMO_SERVICES.find(s => s.name === name)!;

describe('the example catalog', () => {
  it('names the demo services', () => {
    expect(COMPONENTS.map(c => c.metadata.name).sort()).toEqual(
      DEMO_SERVICES.map(s => s.name).sort(),
    );
  });

  it('declares the demo objectives (storefront none, for the empty state)', () => {
    expect(slosOf('payments')).toEqual({
      period: '30d',
      periodMs: 30 * DAY,
      objectives: [
        { slo: 'availability', target: 0.99 },
        { slo: 'latency', target: 0.99, thresholdSeconds: 1 },
      ],
    });
    expect(
      COMPONENTS.find(c => c.metadata.name === 'payments')!.metadata
        .annotations?.['monitoring/slo-period'],
    ).toBe('30d');
    expect(slosOf('checkout')).toEqual({
      period: '30d',
      periodMs: 30 * DAY,
      objectives: [
        { slo: 'availability', target: 0.99 },
        { slo: 'latency', target: 0.99, thresholdSeconds: 0.5 },
      ],
    });
    expect(slosOf('inventory').objectives).toEqual([
      { slo: 'availability', target: 0.995 },
    ]);
    const storefront = COMPONENTS.find(c => c.metadata.name === 'storefront')!;
    expect(hasSloAnnotations(storefront.metadata.annotations)).toBe(false);
    expect(slosOf('storefront').objectives).toEqual([]);
  });

  it('sets latency thresholds on bucket boundaries of the demo histogram', () => {
    const thresholds = COMPONENTS.flatMap(c =>
      parseSloAnnotations(c.metadata.annotations).objectives.flatMap(o =>
        o.thresholdSeconds === undefined ? [] : [o.thresholdSeconds],
      ),
    );
    expect(thresholds.sort()).toEqual([0.5, 1]);
    for (const t of thresholds) expect(BUCKETS).toContain(t);
  });

  it('pages only for payments in production: no other environment, and not payments before its incident, burns at a page factor', () => {
    const lowestPageFactor = Math.min(
      ...SLO_BURN_RATE_ALERTS.filter(a => a.severity === 'page').map(
        a => a.factor,
      ),
    );
    const burning: string[] = [];
    for (const c of COMPONENTS) {
      const name = c.metadata.name;
      for (const o of slosOf(name).objectives) {
        const profiles = Object.entries(service(name).profiles)
          .filter(([env]) => !(name === 'payments' && env === 'production'))
          .concat(
            DEMO_INCIDENTS.filter(i => i.service === name).map(i => [
              'before the incident',
              i.before,
            ]),
          );
        for (const [env, profile] of profiles) {
          const rate = demoErrorRatio(name, profile as any, o) / (1 - o.target);
          if (rate >= lowestPageFactor)
            burning.push(`${name} ${o.slo} ${env}: ${rate.toFixed(1)}x`);
        }
      }
    }
    expect(burning).toEqual([]);
    // And payments' production does page.
    const payments = slosOf('payments').objectives[0];
    expect(
      demoErrorRatio(
        'payments',
        service('payments').profiles.production,
        payments,
      ) /
        (1 - payments.target),
    ).toBeGreaterThan(14.4);
  });

  it("leaves checkout and inventory most of their budget in production, and payments' exhausted", () => {
    const remaining = (name: string, periodErrorRatio: (o: any) => number) =>
      slosOf(name).objectives.map(o =>
        budgetRemaining(periodErrorRatio(o), o.target),
      );
    const production = (name: string) => (o: any) =>
      demoErrorRatio(name, service(name).profiles.production, o);

    // checkout: 0.3 % errors against 1 %: 70 % left; 0.016 % slower than 500 ms: 98.4 % left.
    const [checkoutAvailability, checkoutLatency] = remaining(
      'checkout',
      production('checkout'),
    );
    expect(checkoutAvailability).toBeCloseTo(0.7, 6);
    expect(checkoutLatency).toBeCloseTo(0.9844, 4);
    // inventory: 0.2 % against 0.5 %: 60 % left.
    expect(remaining('inventory', production('inventory'))).toEqual([
      expect.closeTo(0.6, 6),
    ]);

    // payments: healthy for 27 of the 30 days, then 20 % errors and a 600 ms median.
    const incident = DEMO_INCIDENTS.find(i => i.service === 'payments')!;
    const days = incident.startedAgoMs / DAY;
    const thirtyDays = (o: any) =>
      ((30 - days) * demoErrorRatio('payments', incident.before, o) +
        days * production('payments')(o)) /
      30;
    const [paymentsAvailability, paymentsLatency] = remaining(
      'payments',
      thirtyDays,
    );
    expect(paymentsAvailability).toBeCloseTo(1 - 0.0245 / 0.01, 6); // -145 %
    expect(paymentsLatency).toBeCloseTo(-1.629, 3);
  });
});
