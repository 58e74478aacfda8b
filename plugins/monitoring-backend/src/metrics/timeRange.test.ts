import { InputError } from '@backstage/errors';
import {
  chooseStep,
  MAX_POINTS,
  parseStep,
  parseTime,
  resolveInstant,
  resolveRange,
} from './timeRange';

describe('chooseStep', () => {
  it.each([
    [15 * 60, 15],
    [3600, 15],
    [6 * 3600, 120],
    [24 * 3600, 300],
    [7 * 86400, 3600],
    [31 * 86400, 10800],
  ])('a %i s range gets a %i s step', (range, step) => {
    expect(chooseStep(range)).toBe(step);
    expect(Math.floor(range / step) + 1).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('honours a coarser requested step but never a finer one than the point budget allows', () => {
    expect(chooseStep(3600, 300)).toBe(300);
    expect(chooseStep(86400, 15)).toBe(300);
  });
});

describe('resolveRange', () => {
  const now = 1_800_000_000;
  it('clamps a `to` after now to now', () => {
    expect(
      resolveRange({ from: String(now - 3600), to: String(now + 86400) }, now)
        .end,
    ).toBe(now);
    expect(() =>
      resolveRange({ from: String(now + 60), to: String(now + 3600) }, now),
    ).toThrow('from must be before to');
  });

  it('defaults to the last hour, aligned to the step', () => {
    const r = resolveRange({}, now + 7);
    expect(r).toEqual({
      start: now - 3600,
      end: now,
      stepSeconds: 15,
      windowSeconds: 120,
    });
  });

  it('accepts ISO times and unix seconds or milliseconds', () => {
    const iso = resolveRange(
      { from: '2027-01-15T07:00:00Z', to: '2027-01-15T08:00:00Z' },
      now,
    );
    expect(iso.start).toBe(Date.parse('2027-01-15T07:00:00Z') / 1000);
    const ms = resolveRange(
      { from: String((now - 3600) * 1000), to: String(now * 1000) },
      now,
    );
    const s = resolveRange({ from: String(now - 3600), to: String(now) }, now);
    expect(ms).toEqual(s);
  });

  it('widens the rate window with the step', () => {
    expect(
      resolveRange({ from: String(now - 7 * 86400), to: String(now) }, now)
        .windowSeconds,
    ).toBe(3600);
  });

  it.each([
    [{ from: 'yesterday' }, /from must be an ISO-8601/],
    [{ to: 'x' }, /to must be/],
    [{ from: String(now), to: String(now - 60) }, /before/],
    [{ from: String(now - 30), to: String(now) }, /at least one minute/],
    [{ from: String(now - 40 * 86400), to: String(now) }, /at most 31 days/],
    [{ step: '5 minutes' }, /step must be a duration/],
    [{ step: '0s' }, /between 1s and 1d/],
    [{ from: ['a', 'b'] }, /single value/],
  ])('rejects %j', (query, message) => {
    expect(() => resolveRange(query as any, now)).toThrow(InputError);
    expect(() => resolveRange(query as any, now)).toThrow(message);
  });

  it('parses steps and times', () => {
    expect(parseStep('5m')).toBe(300);
    expect(parseStep('90')).toBe(90);
    expect(parseTime('from', undefined)).toBeUndefined();
  });
});

describe('resolveInstant', () => {
  const now = 1_800_000_007;
  it('defaults to now on a 15 s grid', () => {
    expect(resolveInstant(undefined, now)).toBe(1_800_000_000);
    expect(resolveInstant('', now)).toBe(1_800_000_000);
  });

  it('takes ISO times and unix seconds, in whole seconds, up to a minute ahead as now', () => {
    expect(resolveInstant('2027-01-15T07:00:00Z', now)).toBe(
      Date.parse('2027-01-15T07:00:00Z') / 1000,
    );
    expect(resolveInstant(String(now - 3600.5), now)).toBe(now - 3601);
    expect(resolveInstant(String(now + 59), now)).toBe(now);
  });

  it.each([
    [String(now + 61), /must not be in the future/],
    ['soon', /time must be an ISO-8601 time/],
    ['9'.repeat(30), /time must be an ISO-8601 time/],
    [['1', '2'], /single value/],
    [String(now - 16 * 86400), /before the oldest data the hub keeps/],
  ])('rejects %j', (raw, message) => {
    const resolve = () =>
      resolveInstant(raw, now, { retentionSeconds: 15 * 86400 });
    expect(resolve).toThrow(InputError);
    expect(resolve).toThrow(message);
  });
});
