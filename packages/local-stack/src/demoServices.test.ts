/**
 * The example catalog's objectives against the demo the stack serves: they parse with the
 * common SLO contract, their latency thresholds are bucket boundaries of the demo's histogram,
 * and the demo's profiles give the budgets the demo promises (payments exhausted in production,
 * checkout and inventory healthy).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  budgetRemaining,
  hasSloAnnotations,
  parseSloAnnotations,
  ServiceSlos,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { demoErrorRatio } from './backfillSeries';
import { BUCKETS } from './demoSeries.mjs';
import { DEMO_INCIDENTS, DEMO_SERVICES } from './demoServices';

const DAY = 86_400_000;

/** The example components that name a demo service. */
const COMPONENTS = parseAllDocuments(
  fs.readFileSync(
    path.resolve(__dirname, '../../../examples/components.yaml'),
    'utf8',
  ),
)
  .map(d => d.toJS())
  .filter(c => c.metadata.annotations?.['backstage.io/kubernetes-id']);

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
        { slo: 'availability', target: 0.999 },
        { slo: 'latency', target: 0.99, thresholdSeconds: 1 },
      ],
    });
    expect(
      COMPONENTS.find(c => c.metadata.name === 'payments').metadata.annotations[
        'monitoring/slo-period'
      ],
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
    const storefront = COMPONENTS.find(c => c.metadata.name === 'storefront');
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
    expect(paymentsAvailability).toBeCloseTo(1 - 0.0245 / 0.001, 6); // -23.5
    expect(paymentsLatency).toBeCloseTo(-1.629, 3);
  });
});
