/**
 * The one duration grammar of the suite: Prometheus-style durations, a whole number followed by
 * a unit (`30s`, `5m`, `15d`), or with `compound` several such terms (`1h30m`). Every caller
 * parses with it and keeps only its own bounds: which units it allows, whether terms may be
 * combined, and the smallest and largest value (checked by the caller, with its own message).
 */

/**
 * A duration unit: milliseconds, seconds, minutes, hours, days, weeks, 365-day years.
 *
 * @public
 */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd' | 'w' | 'y';

/**
 * Milliseconds of each unit, largest first (the order compound durations are written in).
 *
 * @public
 */
export const DURATION_UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const ALL_UNITS = Object.keys(DURATION_UNIT_MS) as DurationUnit[];

/**
 * Which durations a caller accepts.
 *
 * @public
 */
export interface DurationGrammarOptions {
  /**
   * The units allowed: a list, or a string of one-letter units such as `'smh'` or `'smhdwy'`
   * (`ms` only in a list). Default: all of {@link DurationUnit}.
   */
  units?: string | readonly DurationUnit[];
  /**
   * Several terms in one duration (`1h30m`). `true`: largest unit first, each unit at most once
   * (Prometheus' rule); `'any-order'`: terms in any order, repeats added up. Default: one term.
   */
  compound?: boolean | 'any-order';
}

function unitsOf(options: DurationGrammarOptions): DurationUnit[] {
  const units = options.units ?? ALL_UNITS;
  const list: string[] = typeof units === 'string' ? [...units] : [...units];
  const unknown = list.filter(u => !(u in DURATION_UNIT_MS));
  if (unknown.length || !list.length) {
    throw new TypeError(`unknown duration units: ${unknown.join(', ')}`);
  }
  return list as DurationUnit[];
}

/** `ms` before `m` and `s` in an alternation, so `500ms` is not read as `500m` + `s`. */
function alternation(units: readonly DurationUnit[]): string {
  const sorted = [...units].sort((a, b) => b.length - a.length);
  return sorted.every(u => u.length === 1)
    ? `[${sorted.join('')}]`
    : `(?:${sorted.join('|')})`;
}

/**
 * The regular expression source of the grammar for the given options, anchored, with `[0-9]`
 * for digits: usable as a JSON-schema / form `pattern`. One unit of `smh` gives
 * `^[0-9]+[smh]$`.
 *
 * @public
 */
export function durationPattern(options: DurationGrammarOptions = {}): string {
  const units = unitsOf(options);
  if (!options.compound) return `^[0-9]+${alternation(units)}$`;
  if (options.compound === 'any-order') {
    return `^(?:[0-9]+${alternation(units)})+$`;
  }
  // Largest unit first; `(?=.)`: at least one term.
  const ordered = ALL_UNITS.filter(u => units.includes(u));
  return `^(?=.)${ordered.map(u => `(?:[0-9]+${u})?`).join('')}$`;
}

const TERM = /([0-9]+)(ms|[smhdwy])/g;

/**
 * Milliseconds of a duration, or undefined when `text` is not one under `options` (callers
 * refuse with their own message). No surrounding whitespace is accepted; a caller that allows it
 * trims first.
 *
 * @public
 */
export function parseDurationMs(
  text: string,
  options: DurationGrammarOptions = {},
): number | undefined {
  if (
    typeof text !== 'string' ||
    !new RegExp(durationPattern(options)).test(text)
  ) {
    return undefined;
  }
  let total = 0;
  for (const [, n, unit] of text.matchAll(TERM)) {
    total += Number(n) * DURATION_UNIT_MS[unit as DurationUnit];
  }
  return total;
}

/**
 * Seconds of a duration (fractional for `ms`), or undefined when `text` is not one under
 * `options`. See {@link parseDurationMs}.
 *
 * @public
 */
export function parseDurationSeconds(
  text: string,
  options: DurationGrammarOptions = {},
): number | undefined {
  const ms = parseDurationMs(text, options);
  return ms === undefined ? undefined : ms / 1000;
}
