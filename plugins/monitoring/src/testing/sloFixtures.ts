import {
  EntitySloResponse,
  SLO_BURN_RATE_ALERTS,
  SLO_WINDOWS,
  SloEnvironmentStatus,
  SloObjectiveStatus,
} from '@hubspoke/backstage-plugin-monitoring-common';

const DAY_MS = 86_400_000;
export const SLO_EVALUATED_AT = Date.parse('2026-12-01T09:00:00Z');
const PERIOD_DAYS = 30;

/** One point a day over the period, from a full budget down to `last`. */
export function budgetHistory(last: number) {
  return Array.from({ length: PERIOD_DAYS + 1 }, (_, i) => ({
    t: SLO_EVALUATED_AT - (PERIOD_DAYS - i) * DAY_MS,
    budgetRemaining: 1 - ((1 - last) * i) / PERIOD_DAYS,
  }));
}

/** The same burn rate in every window, or one per window in SLO_WINDOWS' order. */
export function burnRates(
  rates: number | Array<number | null>,
  target = 0.999,
) {
  return SLO_WINDOWS.map((window, i) => {
    const rate = typeof rates === 'number' ? rates : rates[i];
    return {
      window,
      burnRate: rate,
      errorRatio: rate === null ? null : rate * (1 - target),
    };
  });
}

export function environmentStatus(
  over: Partial<SloEnvironmentStatus> = {},
): SloEnvironmentStatus {
  return {
    environment: 'production',
    namespace: 'shop',
    sli: 0.99972,
    errorRatio: 0.00028,
    budgetRemaining: 0.72,
    budgetRemainingMinutes: 31.104,
    burnRates: burnRates(0.3),
    timeToExhaustionSeconds: 72 * 86_400,
    alerts: [],
    history: budgetHistory(0.72),
    ...over,
  };
}

export function availability(
  environments: SloEnvironmentStatus[],
  over: Partial<SloObjectiveStatus> = {},
): SloObjectiveStatus {
  return {
    slo: 'availability',
    target: 0.999,
    budgetMinutes: 43.2,
    environments,
    warnings: [],
    ...over,
  };
}

export function sloResponse(
  objectives: SloObjectiveStatus[],
): EntitySloResponse {
  return {
    period: '30d',
    periodSeconds: PERIOD_DAYS * 86_400,
    evaluatedAt: new Date(SLO_EVALUATED_AT).toISOString(),
    objectives,
    burnRateAlerts: SLO_BURN_RATE_ALERTS.map(a => ({ ...a })),
  };
}

/**
 * payments: availability overspent in production (-1,920 %, the page alert firing, every window
 * burning), healthy in staging; a latency objective with a warning.
 */
export function paymentsSlo(): EntitySloResponse {
  return sloResponse([
    availability([
      environmentStatus({
        sli: 0.9798,
        errorRatio: 0.0202,
        budgetRemaining: -19.2,
        budgetRemainingMinutes: -829.44,
        // 5m 30m 1h 2h 6h 1d 3d: 1h and 6h above their page factors, 3d above its ticket one.
        burnRates: burnRates([60, 45, 30, 25, 22, 20, 20.2]),
        timeToExhaustionSeconds: 0,
        alerts: [
          {
            alertname: 'ServiceSLOErrorBudgetBurnPage',
            severity: 'page',
            state: 'firing',
            activeAt: '2026-12-01T08:12:00Z',
          },
          {
            alertname: 'ServiceSLOErrorBudgetBurnTicket',
            severity: 'ticket',
            state: 'pending',
          },
        ],
        history: budgetHistory(-19.2),
      }),
      environmentStatus({ environment: 'staging' }),
    ]),
    {
      slo: 'latency',
      target: 0.99,
      thresholdSeconds: 0.5,
      budgetMinutes: 432,
      environments: [
        environmentStatus({
          budgetRemaining: 0.3,
          budgetRemainingMinutes: 129.6,
          burnRates: burnRates(0.8, 0.99),
          timeToExhaustionSeconds: 11 * 86_400,
          history: budgetHistory(0.3),
        }),
      ],
      warnings: [
        '0.5 s is not a bucket boundary of http_server_request_duration_seconds in staging',
      ],
    },
  ]);
}

/** checkout: 72 % of the availability budget left in production, nothing burning in staging. */
export function checkoutSlo(): EntitySloResponse {
  return sloResponse([
    availability([
      environmentStatus(),
      environmentStatus({
        environment: 'staging',
        sli: 1,
        errorRatio: 0,
        budgetRemaining: 1,
        budgetRemainingMinutes: 43.2,
        burnRates: burnRates(0),
        timeToExhaustionSeconds: null,
        history: budgetHistory(1),
      }),
    ]),
  ]);
}
