import { AmSilence } from './AlertmanagerClient';
import {
  PerServiceSilenceCap,
  PerUserWriteLimit,
  silenceOfService,
  TooManyRequestsError,
} from './silenceLimits';

const exact = (name: string, value: string, isEqual = true) => ({
  name,
  value,
  isRegex: false,
  isEqual,
});
const silence = (
  id: string,
  matchers: AmSilence['matchers'],
  endsAt = '2999-01-01T00:00:00Z',
): AmSilence => ({
  id,
  state: 'active',
  matchers,
  startsAt: '2026-01-01T00:00:00Z',
  endsAt,
  createdBy: 'user:default/alice',
  comment: 'x',
});
const payments = { service: 'payments', namespace: 'shop' };

describe('PerUserWriteLimit', () => {
  it('allows perMinute writes in any 60 s per user, then one more as each leaves the window', () => {
    let now = 1_000_000;
    const limit = new PerUserWriteLimit(3, () => now);
    limit.take('alice');
    now += 20_000;
    limit.take('alice');
    limit.take('alice');
    expect(() => limit.take('alice')).toThrow(TooManyRequestsError);
    // Refused writes are not counted; other users have their own.
    limit.take('bob');
    let error: TooManyRequestsError | undefined;
    try {
      limit.take('alice');
    } catch (e) {
      error = e;
    }
    expect(error?.statusCode).toBe(429);
    expect(error?.retryAfterSeconds).toBe(40);
    now += 40_001;
    limit.take('alice');
    expect(() => limit.take('alice')).toThrow(TooManyRequestsError);
  });

  it('takes back a write that was given back', () => {
    const limit = new PerUserWriteLimit(1, () => 5);
    const giveBack = limit.take('alice');
    giveBack();
    limit.take('alice');
    expect(() => limit.take('alice')).toThrow(/at most 1 a minute per user/);
  });
});

describe('silenceOfService', () => {
  it('counts the silences made for the service and namespace, whatever else they match exactly', () => {
    expect(
      silenceOfService(
        silence('a', [
          exact('service', 'payments'),
          exact('namespace', 'shop'),
          exact('tier', 'batch', false),
          exact('alertname', 'X'),
        ]),
        payments,
      ),
    ).toBe(true);
    for (const matchers of [
      [exact('service', 'payments')],
      [exact('service', 'payments'), exact('namespace', 'other')],
      [exact('service', 'checkout'), exact('namespace', 'shop')],
      [
        exact('service', 'payments'),
        exact('namespace', 'shop'),
        { ...exact('alertname', '.+'), isRegex: true },
      ],
    ]) {
      expect(silenceOfService(silence('a', matchers), payments)).toBe(false);
    }
    expect(
      silenceOfService(silence('a', [exact('service', 'payments')]), {
        service: 'payments',
      }),
    ).toBe(true);
    expect(silenceOfService(silence('a', []), {})).toBe(false);
  });
});

describe('PerServiceSilenceCap', () => {
  const ofPayments = (id: string, endsAt?: string) =>
    silence(
      id,
      [exact('service', 'payments'), exact('namespace', 'shop')],
      endsAt,
    );

  it('counts active silences and places held by creates under way', () => {
    const cap = new PerServiceSilenceCap(3);
    const now = Date.parse('2026-06-01T00:00:00Z');
    const listed = [
      ofPayments('a'),
      ofPayments('b'),
      // Ended, though not yet marked expired: not counted.
      ofPayments('c', '2026-05-31T23:59:00Z'),
      { ...ofPayments('d'), state: 'expired' as const },
    ];
    const release = cap.reserve(payments, listed, now);
    expect(() => cap.reserve(payments, listed, now)).toThrow(
      /already has 3 active silences/,
    );
    // Another service, another count.
    cap.reserve({ service: 'checkout', namespace: 'shop' }, listed, now);
    release();
    release();
    cap.reserve(payments, listed, now);
  });
});
