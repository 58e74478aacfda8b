import { PanelUnit } from '@hubspoke/backstage-plugin-monitoring-common';

/** What every formatter prints for a missing value. */
export const NO_DATA = 'no data';

/** A number with about three significant figures, never in exponent notation. */
function decimal(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 1) return value.toFixed(1);
  if (abs >= 0.01) return value.toFixed(2);
  return value.toFixed(Math.min(20, 1 - Math.floor(Math.log10(abs))));
}

function requestRate(value: number): string {
  return `${decimal(value)} req/s`;
}

function ratio(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

function seconds(value: number): string {
  const abs = Math.abs(value);
  if (abs < 1) {
    const ms = value * 1000;
    return `${Math.abs(ms) >= 10 || ms === 0 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
  }
  if (abs < 60) return `${value.toFixed(abs < 10 ? 2 : 1)} s`;
  if (abs < 3600) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
}

function cores(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 10) return `${value.toFixed(1)} cores`;
  if (abs >= 0.01 || abs === 0) return `${value.toFixed(2)} cores`;
  return `${decimal(value)} cores`;
}

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

function bytes(value: number): string {
  let scaled = value;
  let unit = 0;
  while (Math.abs(scaled) >= 1024 && unit < BINARY_UNITS.length - 1) {
    scaled /= 1024;
    unit += 1;
  }
  const text =
    unit === 0 || Math.abs(scaled) >= 100
      ? scaled.toFixed(0)
      : scaled.toFixed(1);
  return `${text} ${BINARY_UNITS[unit]}`;
}

const FORMATTERS: Record<PanelUnit, (value: number) => string> = {
  reqps: requestRate,
  ratio,
  seconds,
  cores,
  bytes,
  none: decimal,
};

/**
 * Formats a metric value for display by its panel's unit: `12.3 req/s`, `20.1%`, `612 ms`,
 * `1.25 s`, `0.25 cores`, `312 MiB`. Missing or non-finite values (a 0/0 error ratio with no
 * traffic) print as `no data`.
 */
export function formatValue(
  unit: PanelUnit,
  value: number | null | undefined,
): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return NO_DATA;
  }
  return (FORMATTERS[unit] ?? decimal)(value);
}

/** Formats a tooltip's timestamp in full. */
export function formatDateTime(unixMs: number): string {
  return new Date(unixMs).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** An age, rounded down: `12 s`, `3 min`, `1.5 h`, `2.0 d` (negative clock skew reads `0 s`). */
export function formatAge(ageSeconds: number): string {
  const s = Number.isFinite(ageSeconds) ? Math.max(0, ageSeconds) : 0;
  if (s < 60) return `${Math.floor(s)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${(Math.floor(s / 360) / 10).toFixed(1)} h`;
  return `${(Math.floor(s / 8640) / 10).toFixed(1)} d`;
}
