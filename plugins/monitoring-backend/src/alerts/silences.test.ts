import { InputError } from '@backstage/errors';
import { resolveAlertScope } from '@hubspoke/backstage-plugin-monitoring-common';
import {
  newSilence,
  parseSilenceDuration,
  parseSilenceRequest,
  silenceMatchers,
} from './silences';

const DAY = 24 * 3600_000;
const scope = resolveAlertScope({
  'backstage.io/kubernetes-id': 'payments',
  'backstage.io/kubernetes-namespace': 'shop',
  'monitoring/alert-selector': 'team=shop,tier!=batch',
});

describe('silence requests', () => {
  it.each([
    ['1h', 3600_000],
    ['30m', 1800_000],
    ['1h30m', 5400_000],
    ['1d', DAY],
  ])('reads duration %s', (raw, ms) => {
    expect(parseSilenceDuration(raw, DAY)).toBe(ms);
  });

  it.each([
    '',
    '0m',
    '30s',
    '1w',
    '-1h',
    '1h 30m',
    '25h',
    '1d1m',
    'PT1H',
    '1e3m',
  ])('refuses duration "%s"', raw => {
    expect(() => parseSilenceDuration(raw, DAY)).toThrow(InputError);
  });

  it('bounds the duration by config', () => {
    expect(() => parseSilenceDuration('3h', 2 * 3600_000)).toThrow(
      /at most 120m/,
    );
  });

  it('needs a comment, bounded and without control characters', () => {
    const parse = (comment: unknown) =>
      parseSilenceRequest({ duration: '1h', comment }, DAY);
    expect(() => parse(undefined)).toThrow(/comment is required/);
    expect(() => parse('   ')).toThrow(/comment is required/);
    expect(() => parse('x'.repeat(1001))).toThrow(/at most 1000/);
    expect(() => parse('a\u0000b')).toThrow(/control characters/);
    expect(parse('  deploying\nthe fix  ').comment).toBe('deploying\nthe fix');
  });

  it('never takes matchers (or anything else unknown) from the body', () => {
    expect(() =>
      parseSilenceRequest(
        {
          duration: '1h',
          comment: 'x',
          matchers: [{ name: 'service', value: '.+', isRegex: true }],
        },
        DAY,
      ),
    ).toThrow(/unknown field\(s\): matchers/);
    expect(() =>
      parseSilenceRequest(
        { duration: '1h', comment: 'x', createdBy: 'user:default/admin' },
        DAY,
      ),
    ).toThrow(/createdBy/);
    expect(() => parseSilenceRequest([], DAY)).toThrow(/JSON object/);
  });

  it.each([
    ['alertname', 'a\nb'],
    ['alertname', 'x'.repeat(201)],
    ['alertname', 42],
    ['environment', 'prod|dev'],
    ['environment', '.*'],
    ['environment', 'production"'],
  ])('refuses %s %j', (field, value) => {
    expect(() =>
      parseSilenceRequest(
        { duration: '1h', comment: 'x', [field]: value },
        DAY,
      ),
    ).toThrow(InputError);
  });

  it('builds exact matchers from the entity, plus the optional alert and environment', () => {
    const req = parseSilenceRequest(
      {
        duration: '1h',
        comment: 'deploy',
        alertname: 'Service.*HighErrorRatio',
        environment: 'production',
      },
      DAY,
    );
    expect(silenceMatchers(scope, req)).toEqual([
      { name: 'service', value: 'payments', isRegex: false, isEqual: true },
      { name: 'namespace', value: 'shop', isRegex: false, isEqual: true },
      { name: 'team', value: 'shop', isRegex: false, isEqual: true },
      { name: 'tier', value: 'batch', isRegex: false, isEqual: false },
      // A regex-looking name stays a literal value.
      {
        name: 'alertname',
        value: 'Service.*HighErrorRatio',
        isRegex: false,
        isEqual: true,
      },
      {
        name: 'environment',
        value: 'production',
        isRegex: false,
        isEqual: true,
      },
    ]);
    const s = newSilence(
      scope,
      req,
      'user:default/guest',
      Date.parse('2026-12-01T08:00:00Z'),
    );
    expect([s.startsAt, s.endsAt, s.createdBy]).toEqual([
      '2026-12-01T08:00:00.000Z',
      '2026-12-01T09:00:00.000Z',
      'user:default/guest',
    ]);
  });

  it('refuses to silence an entity that names no service', () => {
    const roadie = resolveAlertScope({ 'prometheus.io/alert': 'all' });
    expect(() => silenceMatchers(roadie, {})).toThrow(/name its service/);
  });
});
