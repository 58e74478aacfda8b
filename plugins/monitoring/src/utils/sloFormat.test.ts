import { SLO_BURN_RATE_ALERTS } from '@hubspoke/backstage-plugin-monitoring-common';
import {
  budgetHealth,
  exceededAlert,
  formatBudget,
  formatBudgetPercent,
  formatBurnRate,
  formatSli,
  formatTarget,
  formatTimeToExhaustion,
  objectiveTitle,
} from './sloFormat';

describe('sloFormat', () => {
  it('sorts budgets into ok from 50 %, warning above 0, exhausted at 0 and below', () => {
    expect([1, 0.5, 0.4999, 0.01, 0, -19.2, null].map(budgetHealth)).toEqual([
      'ok',
      'ok',
      'warning',
      'warning',
      'exhausted',
      'exhausted',
      'unknown',
    ]);
  });

  it('prints budgets in percent and minutes of full outage', () => {
    expect(formatBudgetPercent(-19.2)).toBe('-1,920 %');
    expect(formatBudgetPercent(0.72)).toBe('72 %');
    expect(formatBudgetPercent(0.045)).toBe('4.5 %');
    expect(formatBudgetPercent(-0.0001)).toBe('0.0 %');
    expect(formatBudgetPercent(0)).toBe('0 %');
    expect(formatBudgetPercent(null)).toBe('–');
    expect(formatBudget(0.72, 31.104, 43.2)).toBe(
      '72 % · 31.1 min left of 43.2 min',
    );
    expect(formatBudget(-19.2, -829.44, 43.2)).toBe('-1,920 % · exhausted');
    expect(formatBudget(null, null, 43.2)).toBe('no data');
  });

  it('prints targets as written and SLIs a digit finer, never rounded up', () => {
    expect(formatTarget(0.999)).toBe('99.9 %');
    expect(formatTarget(0.99)).toBe('99 %');
    expect(formatSli(0.9942, 0.999)).toBe('99.42 %');
    expect(formatSli(0.999999, 0.999)).toBe('99.99 %');
    expect(formatSli(0.99995, 0.9999)).toBe('99.995 %');
    expect(formatSli(null, 0.999)).toBe('no data');
  });

  it('says when the budget runs out in words', () => {
    expect(formatTimeToExhaustion(0, -1)).toBe('exhausted');
    expect(formatTimeToExhaustion(null, -1)).toBe('exhausted');
    expect(formatTimeToExhaustion(3 * 86_400, 0.5)).toBe('in 3 days');
    expect(formatTimeToExhaustion(5 * 3600, 0.5)).toBe('in 5 hours');
    expect(formatTimeToExhaustion(60, 0.5)).toBe('in 1 minute');
    expect(formatTimeToExhaustion(null, 0.5)).toBe('not burning');
    expect(formatTimeToExhaustion(null, null)).toBe('no data');
  });

  it('names objectives and prints burn rates', () => {
    expect(objectiveTitle({ slo: 'availability' })).toBe('Availability');
    expect(objectiveTitle({ slo: 'latency', thresholdSeconds: 0.5 })).toBe(
      'Latency under 500 ms',
    );
    expect(objectiveTitle({ slo: 'latency', thresholdSeconds: 1.5 })).toBe(
      'Latency under 1.5 s',
    );
    expect([19.2, 0.414, 0, 250, null].map(formatBurnRate)).toEqual([
      '19.2x',
      '0.41x',
      '0x',
      '250x',
      'no data',
    ]);
  });

  it('marks a window by the pair it exceeds, pages before tickets', () => {
    const policy = SLO_BURN_RATE_ALERTS;
    expect(exceededAlert('1h', 20, policy)).toMatchObject({
      severity: 'page',
      factor: 14.4,
    });
    expect(exceededAlert('1h', 10, policy)).toBeUndefined();
    // 6h belongs to the 6x page pair and to the 1x ticket pair.
    expect(exceededAlert('6h', 7, policy)).toMatchObject({
      severity: 'page',
      factor: 6,
    });
    expect(exceededAlert('6h', 2, policy)).toMatchObject({
      severity: 'ticket',
      factor: 1,
    });
    expect(exceededAlert('3d', 1, policy)).toBeUndefined();
    expect(exceededAlert('5m', null, policy)).toBeUndefined();
  });
});
