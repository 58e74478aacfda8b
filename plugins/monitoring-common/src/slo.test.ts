import {
  budgetRemaining,
  budgetSpent,
  burnRate,
  errorBudgetMinutes,
  errorBudgetRatio,
  hasSloAnnotations,
  InvalidSloError,
  parseSloAnnotations,
  SLO_BURN_RATE_ALERTS,
  timeToExhaustionMs,
} from './slo';
import { fleetBudgetQuery, sloErrorRatioQuery } from './sloExpressions';

const DAY = 86_400_000;
const HOUR = 3_600_000;

describe('budget arithmetic (the SRE workbook numbers)', () => {
  it('99.9 % over 30 days allows 43.2 minutes of full outage', () => {
    expect(errorBudgetMinutes(0.999, 30 * DAY)).toBeCloseTo(43.2, 10);
    expect(errorBudgetMinutes(0.99, 30 * DAY)).toBeCloseTo(432, 10);
    expect(errorBudgetMinutes(0.999, 7 * DAY)).toBeCloseTo(10.08, 10);
  });

  it('14.4x for 1 h spends 2 % of a 30-day budget; 6x for 6 h 5 %; 3x for 1 d and 1x for 3 d 10 %', () => {
    expect(budgetSpent(14.4, HOUR, 30 * DAY)).toBeCloseTo(0.02, 12);
    expect(budgetSpent(6, 6 * HOUR, 30 * DAY)).toBeCloseTo(0.05, 12);
    expect(budgetSpent(3, DAY, 30 * DAY)).toBeCloseTo(0.1, 12);
    expect(budgetSpent(1, 3 * DAY, 30 * DAY)).toBeCloseTo(0.1, 12);
  });

  it('the alert policy is the workbook table', () => {
    expect(
      SLO_BURN_RATE_ALERTS.map(a => [
        a.severity,
        a.longWindow,
        a.shortWindow,
        a.factor,
      ]),
    ).toEqual([
      ['page', '1h', '5m', 14.4],
      ['page', '6h', '30m', 6],
      ['ticket', '1d', '2h', 3],
      ['ticket', '3d', '6h', 1],
    ]);
  });

  it('burn rate is the error ratio over the budget ratio', () => {
    expect(errorBudgetRatio(0.999)).toBe(0.001);
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 10);
    expect(burnRate(0.2, 0.999)).toBeCloseTo(200, 8);
    expect(burnRate(0, 0.99)).toBe(0);
  });

  it('the remaining budget goes negative once overspent', () => {
    expect(budgetRemaining(0, 0.999)).toBe(1);
    expect(budgetRemaining(0.0005, 0.999)).toBeCloseTo(0.5, 10);
    expect(budgetRemaining(0.003, 0.999)).toBeCloseTo(-2, 10);
  });

  it('time to exhaustion: half a 30-day budget at 1x lasts 15 days; at 14.4x 25 hours; none when nothing burns', () => {
    expect(timeToExhaustionMs(0.5, 1, 30 * DAY)).toBe(15 * DAY);
    expect(timeToExhaustionMs(0.5, 14.4, 30 * DAY)).toBeCloseTo(25 * HOUR, 3);
    expect(timeToExhaustionMs(-0.2, 3, 30 * DAY)).toBe(0);
    expect(timeToExhaustionMs(0.7, 0, 30 * DAY)).toBeUndefined();
  });
});

describe('parseSloAnnotations', () => {
  it('reads targets as ratios, the threshold in seconds and the period', () => {
    expect(
      parseSloAnnotations({
        'monitoring/slo-availability': '99.9',
        'monitoring/slo-latency': '99',
        'monitoring/slo-latency-threshold': '500ms',
        'monitoring/slo-period': '28d',
      }),
    ).toEqual({
      period: '28d',
      periodMs: 28 * DAY,
      objectives: [
        { slo: 'availability', target: 0.999 },
        { slo: 'latency', target: 0.99, thresholdSeconds: 0.5 },
      ],
    });
  });

  it('invents nothing: no annotations, no objectives, the default period', () => {
    expect(parseSloAnnotations({})).toEqual({
      period: '30d',
      periodMs: 30 * DAY,
      objectives: [],
    });
    expect(hasSloAnnotations({ 'backstage.io/kubernetes-id': 'x' })).toBe(
      false,
    );
  });

  it.each([
    [{ 'monitoring/slo-availability': '100' }, /from 50 to below 100/],
    [{ 'monitoring/slo-availability': '99.9%' }, /like 99.9/],
    [{ 'monitoring/slo-availability': '0.999' }, /percentage/],
    [{ 'monitoring/slo-latency': '99' }, /go together/],
    [
      {
        'monitoring/slo-latency': '99',
        'monitoring/slo-latency-threshold': '2m',
      },
      /1ms to 60s/,
    ],
    [
      { 'monitoring/slo-availability': '99', 'monitoring/slo-period': '3d' },
      /7d to 90d/,
    ],
    [
      { 'monitoring/slo-availability': '99', 'monitoring/slo-period': '4w' },
      /whole days/,
    ],
  ])('refuses %j', (annotations, message) => {
    expect(() => parseSloAnnotations(annotations)).toThrow(InvalidSloError);
    expect(() => parseSloAnnotations(annotations)).toThrow(message);
  });
});

describe('sloErrorRatioQuery', () => {
  const matchers = [
    { name: 'service', op: '=' as const, value: 'pay"ments' },
    { name: 'namespace', op: '=' as const, value: 'shop' },
  ];

  it('availability: failed over all requests with the alerts error matcher, escaped', () => {
    expect(
      sloErrorRatioQuery({
        profile: 'http',
        matchers,
        objective: { slo: 'availability', target: 0.999 },
        window: '1h',
      }),
    ).toBe(
      '(sum by (namespace, environment) (rate(http_requests_total{service="pay\\"ments",namespace="shop",code=~"5.."}[1h]))' +
        ' or sum by (namespace, environment) (rate(http_requests_total{service="pay\\"ments",namespace="shop"}[1h])) * 0)' +
        ' / sum by (namespace, environment) (rate(http_requests_total{service="pay\\"ments",namespace="shop"}[1h]))',
    );
  });

  it('latency: requests above the threshold bucket over the +Inf bucket, both spellings of a whole second', () => {
    const q = sloErrorRatioQuery({
      profile: 'grpc',
      matchers: [matchers[1]],
      objective: { slo: 'latency', target: 0.99, thresholdSeconds: 1 },
      window: '30d',
    });
    expect(q).toBe(
      '(sum by (namespace, environment) (rate(grpc_server_handling_seconds_bucket{namespace="shop",le="+Inf"}[30d]))' +
        ' - sum by (namespace, environment) (rate(grpc_server_handling_seconds_bucket{namespace="shop",le=~"1|1\\\\.0"}[30d])))' +
        ' / sum by (namespace, environment) (rate(grpc_server_handling_seconds_bucket{namespace="shop",le="+Inf"}[30d]))',
    );
  });

  it('refuses a window that is not a duration and a latency objective without threshold', () => {
    const base = { profile: 'http' as const, matchers };
    expect(() =>
      sloErrorRatioQuery({
        ...base,
        objective: { slo: 'availability', target: 0.99 },
        window: '1h])',
      }),
    ).toThrow(/not a window/);
    expect(() =>
      sloErrorRatioQuery({
        ...base,
        objective: { slo: 'latency', target: 0.99 },
        window: '1h',
      }),
    ).toThrow(/threshold/);
  });

  it('the fleet reads the worst budget per service, namespace and environment', () => {
    expect(fleetBudgetQuery()).toBe(
      'min by (service, namespace, environment) (slo:period_error_budget_remaining:ratio)',
    );
  });
});
