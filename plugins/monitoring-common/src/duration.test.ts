import {
  durationPattern,
  parseDurationMs,
  parseDurationSeconds,
} from './duration';
import {
  DEFAULT_HEALTH_THRESHOLDS,
  HUB_SERVICE_ALERT_THRESHOLDS,
} from './hubContract';

describe('the duration grammar', () => {
  it.each([
    ['30s', {}, 30_000],
    ['500ms', {}, 500],
    ['15d', { units: 'smhdwy' }, 15 * 86_400_000],
    ['2w', { units: 'smhdwy' }, 14 * 86_400_000],
    ['1y', { units: 'smhdwy' }, 365 * 86_400_000],
    ['0m', { units: 'smh' }, 0],
    ['1h30m', { units: 'dhm', compound: true }, 5_400_000],
    ['1d1m', { units: 'dhm', compound: true }, 86_460_000],
    [
      '1h30m',
      { units: ['ms', 's', 'm', 'h'], compound: 'any-order' },
      5_400_000,
    ],
    [
      '30m1h',
      { units: ['ms', 's', 'm', 'h'], compound: 'any-order' },
      5_400_000,
    ],
    [
      '1m500ms',
      { units: ['ms', 's', 'm', 'h'], compound: 'any-order' },
      60_500,
    ],
  ] as const)('reads %s with %j', (text, options, ms) => {
    expect(parseDurationMs(text, options)).toBe(ms);
  });

  it.each([
    ['', {}],
    ['30', {}],
    ['1.5h', {}],
    ['-1h', {}],
    [' 1h', {}],
    ['1h ', {}],
    ['1h30m', {}],
    ['PT1H', {}],
    ['1e3m', {}],
    ['1d', { units: 'smh' }],
    ['500ms', { units: 'smh' }],
    ['30s', { units: 'dhm', compound: true }],
    ['30m1h', { units: 'dhm', compound: true }],
    ['1h1h', { units: 'dhm', compound: true }],
    ['1h 30m', { units: 'dhm', compound: true }],
    ['1d', { units: ['ms', 's', 'm', 'h'], compound: 'any-order' }],
  ] as const)('refuses "%s" with %j', (text, options) => {
    expect(parseDurationMs(text, options)).toBeUndefined();
  });

  it('gives seconds', () => {
    expect(parseDurationSeconds('2m')).toBe(120);
    expect(parseDurationSeconds('250ms')).toBe(0.25);
    expect(parseDurationSeconds('x')).toBeUndefined();
  });

  it('writes form patterns in the templates’ style', () => {
    expect(durationPattern({ units: 'smh' })).toBe('^[0-9]+[smh]$');
    expect(durationPattern({ units: 'hdwy' })).toBe('^[0-9]+[hdwy]$');
    expect(durationPattern({ units: ['ms', 's'] })).toBe('^[0-9]+(?:ms|s)$');
    expect(durationPattern({ units: 'mhd', compound: true })).toBe(
      '^(?=.)(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m)?$',
    );
  });

  it('refuses unknown units', () => {
    expect(() => durationPattern({ units: 'sx' })).toThrow(/unknown/);
  });
});

describe('the hub contract', () => {
  it('alerts at the fleet critical error ratio and the fleet warning p95', () => {
    expect(HUB_SERVICE_ALERT_THRESHOLDS).toEqual({
      errorRatio: DEFAULT_HEALTH_THRESHOLDS.errorRatio.critical,
      latencyP95Seconds: DEFAULT_HEALTH_THRESHOLDS.latencyP95Seconds.warning,
    });
    expect(HUB_SERVICE_ALERT_THRESHOLDS).toEqual({
      errorRatio: 0.05,
      latencyP95Seconds: 0.5,
    });
  });
});
