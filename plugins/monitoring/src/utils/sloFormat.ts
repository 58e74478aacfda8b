/**
 * How the SLO card, the Monitoring tab's SLO section and the fleet's budget column print and
 * colour an error budget, defined once so the three agree.
 */
import { Theme } from '@material-ui/core/styles';
import {
  EntitySloResponse,
  SloKind,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** What a missing budget prints as in the fleet. */
export const NO_BUDGET = '–';

/**
 * Budget health: at least half left is ok, some left is a warning, none (or overspent) is
 * exhausted. `unknown`: no objective or no data.
 */
export type BudgetHealth = 'ok' | 'warning' | 'exhausted' | 'unknown';

/** The share of budget left from which a budget is `ok`. */
export const BUDGET_OK_FROM = 0.5;

export function budgetHealth(
  remaining: number | null | undefined,
): BudgetHealth {
  if (remaining === null || remaining === undefined || isNaN(remaining)) {
    return 'unknown';
  }
  if (remaining >= BUDGET_OK_FROM) return 'ok';
  if (remaining > 0) return 'warning';
  return 'exhausted';
}

export function budgetColor(theme: Theme, health: BudgetHealth): string {
  switch (health) {
    case 'exhausted':
      return theme.palette.error.main;
    case 'warning':
      return theme.palette.warning.main;
    case 'ok':
      return theme.palette.success.main;
    default:
      return theme.palette.grey[500];
  }
}

const grouped = (value: number, digits: number) =>
  new Intl.NumberFormat('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);

/** A share of budget in percent: `72 %`, `-1,920 %`, `4.5 %` (a decimal below 10 %). */
export function formatBudgetPercent(
  remaining: number | null | undefined,
): string {
  if (
    remaining === null ||
    remaining === undefined ||
    !Number.isFinite(remaining)
  ) {
    return NO_BUDGET;
  }
  const percent = remaining * 100;
  const digits = percent !== 0 && Math.abs(percent) < 10 ? 1 : 0;
  const text = grouped(percent, digits);
  // -0.04 % rounds to "-0.0": a budget that is not overspent prints without the sign.
  return `${/^-0(\.0)?$/.test(text) ? text.slice(1) : text} %`;
}

/** A target ratio in percent as written in the annotation: 0.999 is `99.9 %`. */
export function formatTarget(target: number): string {
  return `${Number((target * 100).toFixed(4))} %`;
}

/** Decimals of the target in percent (99.9: 1), to print an SLI one digit finer. */
function targetDecimals(target: number): number {
  const text = String(Number((target * 100).toFixed(4)));
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * The SLI in percent, one digit finer than the target and at least two decimals, truncated so
 * that it never reads better than it is (0.99999 against 99.9 % is `99.99 %`, not `100.00 %`).
 */
export function formatSli(sli: number | null, target: number): string {
  if (sli === null || !Number.isFinite(sli)) return 'no data';
  const digits = Math.max(2, targetDecimals(target) + 1);
  const scale = 10 ** digits;
  const truncated = Math.floor(sli * 100 * scale + 1e-6) / scale;
  return `${truncated.toFixed(digits)} %`;
}

/** Minutes of full outage: `31.1 min`, `432 min`, `1,296 min`. */
export function formatMinutes(minutes: number): string {
  return `${grouped(minutes, Math.abs(minutes) < 100 ? 1 : 0)} min`;
}

/** `72 % · 31.1 min left of 43.2 min`, or `-1,920 % · exhausted`. */
export function formatBudget(
  remaining: number | null,
  remainingMinutes: number | null,
  budgetMinutes: number,
): string {
  if (remaining === null) return 'no data';
  const percent = formatBudgetPercent(remaining);
  if (remaining <= 0) return `${percent} · exhausted`;
  const minutes =
    remainingMinutes === null
      ? remaining * budgetMinutes
      : Math.max(0, remainingMinutes);
  return `${percent} · ${formatMinutes(minutes)} left of ${formatMinutes(budgetMinutes)}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** When the budget runs out, in words: `exhausted`, `in 42 minutes`, `in 3 days`, `not burning`. */
export function formatTimeToExhaustion(
  seconds: number | null,
  remaining: number | null,
): string {
  if (remaining !== null && remaining <= 0) return 'exhausted';
  if (seconds === null) return remaining === null ? 'no data' : 'not burning';
  if (seconds <= 0) return 'exhausted';
  const minutes = seconds / 60;
  if (minutes < 90)
    return `in ${plural(Math.max(1, Math.round(minutes)), 'minute')}`;
  const hours = minutes / 60;
  if (hours < 48) return `in ${plural(Math.round(hours), 'hour')}`;
  return `in ${plural(Math.round(hours / 24), 'day')}`;
}

/** A burn rate: `19.2x`, `0.41x`, `no data`. */
export function formatBurnRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return 'no data';
  if (rate === 0) return '0x';
  if (Math.abs(rate) >= 100) return `${grouped(rate, 0)}x`;
  if (Math.abs(rate) >= 10) return `${rate.toFixed(1)}x`;
  return `${Number(rate.toFixed(2))}x`;
}

/** A latency threshold: 0.5 is `500 ms`, 1.5 is `1.5 s`. */
export function formatThreshold(seconds: number): string {
  return seconds < 1
    ? `${Number((seconds * 1000).toFixed(1))} ms`
    : `${Number(seconds.toFixed(3))} s`;
}

/** `Availability` or `Latency under 500 ms`. */
export function objectiveTitle(o: {
  slo: SloKind;
  thresholdSeconds?: number;
}): string {
  if (o.slo === 'latency') {
    return o.thresholdSeconds === undefined
      ? 'Latency'
      : `Latency under ${formatThreshold(o.thresholdSeconds)}`;
  }
  return 'Availability';
}

export type BurnRateAlertPolicy = EntitySloResponse['burnRateAlerts'][number];

/** The alert pairs a window belongs to (as the long or the short window). */
export function alertsOfWindow(
  window: string,
  policy: readonly BurnRateAlertPolicy[],
): BurnRateAlertPolicy[] {
  return policy.filter(
    p => p.longWindow === window || p.shortWindow === window,
  );
}

/**
 * The pair whose factor a window's burn rate exceeds, pages before tickets: what its cell is
 * marked with. Undefined when it exceeds none.
 */
export function exceededAlert(
  window: string,
  rate: number | null,
  policy: readonly BurnRateAlertPolicy[],
): BurnRateAlertPolicy | undefined {
  if (rate === null || !Number.isFinite(rate)) return undefined;
  const exceeded = alertsOfWindow(window, policy).filter(p => rate > p.factor);
  return exceeded.sort((a, b) =>
    a.severity === b.severity
      ? b.factor - a.factor
      : Number(b.severity === 'page') - Number(a.severity === 'page'),
  )[0];
}
