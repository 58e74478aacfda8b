/**
 * Service level objectives, defined once: the annotations that declare them, the budget
 * arithmetic, the burn-rate alert policy and the SLI expressions. The hub's recording rules
 * (monitoring-manifests), the backend's SLO endpoint and the fleet's budget column all read
 * these, so a budget cannot mean two things.
 *
 * Series names and labels are Sloth's (`slo:sli_error:ratio_rate<window>`, `sloth_service`,
 * `sloth_slo`, ...), so dashboards and tools made for Sloth read what the hub records. The
 * alert policy is the multi-window, multi-burn-rate one of the Google SRE workbook.
 */
import { parseDurationMs } from './duration';
import { LABELS } from './labelContract';

/**
 * Availability target in percent, e.g. `99.9`: the share of requests without a server error
 * (the error signal of the service alerts).
 *
 * @public
 */
export const ANNOTATION_SLO_AVAILABILITY = 'monitoring/slo-availability';
/**
 * Latency target in percent, e.g. `99`: the share of requests faster than
 * `monitoring/slo-latency-threshold`.
 *
 * @public
 */
export const ANNOTATION_SLO_LATENCY = 'monitoring/slo-latency';
/**
 * The latency objective's threshold, a duration such as `500ms`; it must be a bucket boundary
 * (`le`) of the duration histogram.
 *
 * @public
 */
export const ANNOTATION_SLO_LATENCY_THRESHOLD =
  'monitoring/slo-latency-threshold';
/**
 * The rolling period of every objective of the entity, in days: `7d` to `90d` (default `30d`).
 *
 * @public
 */
export const ANNOTATION_SLO_PERIOD = 'monitoring/slo-period';

/** @public */
export const SLO_ANNOTATIONS = [
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_LATENCY,
  ANNOTATION_SLO_LATENCY_THRESHOLD,
  ANNOTATION_SLO_PERIOD,
] as const;

/** @public */
export const DEFAULT_SLO_PERIOD = '30d';

/** @public */
export type SloKind = 'availability' | 'latency';

/** @public */
export const SLO_KINDS: readonly SloKind[] = ['availability', 'latency'];

/** @public */
export interface SloObjective {
  slo: SloKind;
  /** The target as a ratio, e.g. 0.999. */
  target: number;
  /** Latency only: requests slower than this many seconds count against the objective. */
  thresholdSeconds?: number;
}

/** @public */
export interface ServiceSlos {
  /** e.g. `30d`. */
  period: string;
  periodMs: number;
  /** Empty when the entity declares none (no target is ever invented). */
  objectives: SloObjective[];
}

/**
 * The rate windows of the SLI recording rules and of the burn-rate alerts.
 *
 * @public
 */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;

/** @public */
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** @public */
export type SloAlertSeverity = 'page' | 'ticket';

/** @public */
export interface SloBurnRateAlert {
  severity: SloAlertSeverity;
  /** Fires when both windows burn faster than `factor` times the sustainable rate. */
  longWindow: SloWindow;
  shortWindow: SloWindow;
  factor: number;
}

/**
 * The Google SRE workbook's multi-window, multi-burn-rate policy (for a 30-day period: 2 % of
 * the budget in 1 h and 5 % in 6 h page; 10 % in 1 d and 10 % in 3 d open a ticket).
 *
 * @public
 */
export const SLO_BURN_RATE_ALERTS: readonly SloBurnRateAlert[] = [
  { severity: 'page', longWindow: '1h', shortWindow: '5m', factor: 14.4 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', factor: 6 },
  { severity: 'ticket', longWindow: '1d', shortWindow: '2h', factor: 3 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', factor: 1 },
];

/**
 * The alert names, one per severity (each or-s its two window pairs, as Sloth does).
 *
 * @public
 */
export const SLO_ALERT_NAMES: Readonly<Record<SloAlertSeverity, string>> = {
  page: 'ServiceSLOErrorBudgetBurnPage',
  ticket: 'ServiceSLOErrorBudgetBurnTicket',
};

/**
 * Sloth's labels on every recorded series and alert.
 *
 * @public
 */
export const SLO_LABELS = {
  service: 'sloth_service',
  slo: 'sloth_slo',
  id: 'sloth_id',
  window: 'sloth_window',
  severity: 'sloth_severity',
} as const;

/**
 * Sloth's recorded series.
 *
 * @public
 */
export const SLO_RECORDS = {
  /** The SLI's error ratio over a window (or the period). */
  sliErrorRatio: (window: string) => `slo:sli_error:ratio_rate${window}`,
  objective: 'slo:objective:ratio',
  errorBudget: 'slo:error_budget:ratio',
  timePeriodDays: 'slo:time_period:days',
  currentBurnRate: 'slo:current_burn_rate:ratio',
  periodBurnRate: 'slo:period_burn_rate:ratio',
  budgetRemaining: 'slo:period_error_budget_remaining:ratio',
} as const;

/**
 * The labels an SLI is grouped by: one budget per environment (summed over its clusters), kept
 * per namespace so every alert says which namespace it is about (see claims).
 *
 * @public
 */
export const SLO_GROUPING: readonly string[] = [
  LABELS.namespace,
  LABELS.environment,
];

/**
 * `sloth_id`: `<rule>-<slo>`, the VMRule's name and the objective. Sloth writes
 * `<service>-<slo>`; the rule's name is unique per component, so two components that name one
 * service (see the claim rules) never write each other's series or read each other's SLIs.
 *
 * @public
 */
export function sloId(ruleName: string, slo: SloKind): string {
  return `${ruleName}-${slo}`;
}

/**
 * The window whose burn rate the time to exhaustion is estimated at (the page alert's long one).
 *
 * @public
 */
export const SLO_EXHAUSTION_WINDOW: SloWindow = '1h';

/** @public */
export class InvalidSloError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSloError';
  }
}

const DAY_MS = 86_400_000;
const MIN_PERIOD_DAYS = 7;
const MAX_PERIOD_DAYS = 90;
/** Targets below 50 % are not objectives anyone means; 100 % leaves no budget to divide by. */
const TARGET_PERCENT = /^(?:[5-9][0-9])(?:\.[0-9]{1,4})?$/;

/**
 * A target in percent (`99.9`) as a ratio (0.999); throws {@link InvalidSloError}.
 *
 * @public
 */
export function parseSloTarget(text: string, field: string): number {
  const trimmed = String(text).trim();
  if (!TARGET_PERCENT.test(trimmed)) {
    throw new InvalidSloError(
      `${field} must be a percentage from 50 to below 100 with up to 4 decimals, like 99.9; got "${trimmed.slice(0, 32)}"`,
    );
  }
  // Round to the precision given: 99.9 / 100 is 0.9990000000000001 in floating point.
  return Number((Number(trimmed) / 100).toFixed(6));
}

/**
 * The period in milliseconds: whole days from 7d to 90d; throws {@link InvalidSloError}.
 *
 * @public
 */
export function parseSloPeriod(text: string): number {
  const ms = parseDurationMs(String(text).trim(), { units: ['d'] });
  if (
    ms === undefined ||
    ms < MIN_PERIOD_DAYS * DAY_MS ||
    ms > MAX_PERIOD_DAYS * DAY_MS
  ) {
    throw new InvalidSloError(
      `${ANNOTATION_SLO_PERIOD} must be whole days from ${MIN_PERIOD_DAYS}d to ${MAX_PERIOD_DAYS}d, like 30d; got "${String(text).slice(0, 32)}"`,
    );
  }
  return ms;
}

/**
 * The latency threshold in seconds: a duration from 1ms to 60s; throws {@link InvalidSloError}.
 *
 * @public
 */
export function parseSloThreshold(text: string): number {
  const ms = parseDurationMs(String(text).trim(), { units: ['ms', 's'] });
  if (ms === undefined || ms < 1 || ms > 60_000) {
    throw new InvalidSloError(
      `${ANNOTATION_SLO_LATENCY_THRESHOLD} must be a duration from 1ms to 60s, like 500ms or 1s; got "${String(text).slice(0, 32)}"`,
    );
  }
  return ms / 1000;
}

/**
 * The objectives an entity declares; none without annotations. A latency target needs its
 * threshold and the other way round. Throws {@link InvalidSloError} on a bad value.
 *
 * @public
 */
export function parseSloAnnotations(
  annotations: Record<string, string> | undefined,
): ServiceSlos {
  const a = annotations ?? {};
  const periodMs = parseSloPeriod(
    a[ANNOTATION_SLO_PERIOD] ?? DEFAULT_SLO_PERIOD,
  );
  // As written for series names and labels: `030d` is `30d`.
  const period = `${periodMs / DAY_MS}d`;
  const objectives: SloObjective[] = [];
  if (a[ANNOTATION_SLO_AVAILABILITY] !== undefined) {
    objectives.push({
      slo: 'availability',
      target: parseSloTarget(
        a[ANNOTATION_SLO_AVAILABILITY],
        ANNOTATION_SLO_AVAILABILITY,
      ),
    });
  }
  const latency = a[ANNOTATION_SLO_LATENCY];
  const threshold = a[ANNOTATION_SLO_LATENCY_THRESHOLD];
  if ((latency === undefined) !== (threshold === undefined)) {
    throw new InvalidSloError(
      `${ANNOTATION_SLO_LATENCY} and ${ANNOTATION_SLO_LATENCY_THRESHOLD} go together: set both or neither`,
    );
  }
  if (latency !== undefined && threshold !== undefined) {
    objectives.push({
      slo: 'latency',
      target: parseSloTarget(latency, ANNOTATION_SLO_LATENCY),
      thresholdSeconds: parseSloThreshold(threshold),
    });
  }
  return { period, periodMs, objectives };
}

/**
 * Whether the entity declares any objective (the SLO card's empty state otherwise).
 *
 * @public
 */
export function hasSloAnnotations(
  annotations: Record<string, string> | undefined,
): boolean {
  // Any of them, the period included: a latency threshold alone is a mistake the SLO view
  // shows (the endpoint's 400), not "no objectives".
  return SLO_ANNOTATIONS.some(a => annotations?.[a] !== undefined);
}

// --- budget arithmetic -------------------------------------------------------------------

/**
 * The error budget as a ratio of requests: 1 - target (0.001 for 99.9 %).
 *
 * @public
 */
export function errorBudgetRatio(target: number): number {
  return Number((1 - target).toFixed(10));
}

/**
 * The budget as minutes of full outage over the period (99.9 % over 30 d: 43.2).
 *
 * @public
 */
export function errorBudgetMinutes(target: number, periodMs: number): number {
  return (errorBudgetRatio(target) * periodMs) / 60_000;
}

/**
 * How many times faster than sustainable an error ratio spends the budget (1: exactly used up
 * at the period's end).
 *
 * @public
 */
export function burnRate(errorRatio: number, target: number): number {
  return errorRatio / errorBudgetRatio(target);
}

/**
 * Share of the period's budget a burn rate spends in `durationMs` (14.4x for 1 h of 30 d: 0.02).
 *
 * @public
 */
export function budgetSpent(
  rate: number,
  durationMs: number,
  periodMs: number,
): number {
  return (rate * durationMs) / periodMs;
}

/**
 * The budget left: 1 - (error ratio over the period / budget); negative once overspent.
 *
 * @public
 */
export function budgetRemaining(
  periodErrorRatio: number,
  target: number,
): number {
  return 1 - periodErrorRatio / errorBudgetRatio(target);
}

/**
 * When the budget runs out at the given burn rate: 0 when it already has, undefined when
 * nothing burns. Treats the rolling period as if it did not roll: an estimate, as every
 * SLO tool's.
 *
 * @public
 */
export function timeToExhaustionMs(
  remaining: number,
  rate: number,
  periodMs: number,
): number | undefined {
  if (remaining <= 0) return 0;
  if (!(rate > 0)) return undefined;
  return (remaining * periodMs) / rate;
}
