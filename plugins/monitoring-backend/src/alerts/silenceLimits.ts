/**
 * Bounds on silence writes (`monitoring.alertmanager.silenceWrites`): how many creates and
 * expires one user may make a minute, and how many active silences one service may have. Both
 * are decided in this process before Alertmanager is called; each replica counts on its own.
 */
import { CustomErrorBase } from '@backstage/errors';
import {
  AlertScope,
  LABELS,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AmSilence } from './AlertmanagerClient';

/**
 * 429 Too Many Requests. `@backstage/errors` has no such class; the framework's error handler
 * answers an error's numeric `statusCode` before it looks at the name.
 */
export class TooManyRequestsError extends CustomErrorBase {
  name = 'TooManyRequestsError' as const;

  constructor(
    message: string,
    /** When a retry may succeed, if known: sent as `Retry-After`. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  // A getter, not a field: the status is not repeated in the serialized error body.
  get statusCode(): number {
    return 429;
  }
}

/** Sets `Retry-After` for a 429 that knows it; returns the error for the caller to rethrow. */
export function withRetryAfter(
  res: { setHeader(name: string, value: string): unknown },
  error: unknown,
): unknown {
  if (error instanceof TooManyRequestsError && error.retryAfterSeconds)
    res.setHeader('Retry-After', String(error.retryAfterSeconds));
  return error;
}

const MINUTE_MS = 60_000;

/**
 * At most `perMinute` writes per user in any 60 s: a sliding window over each user's recent
 * write times (at most `perMinute` of them per user, forgotten a minute later).
 */
export class PerUserWriteLimit {
  private readonly writes = new Map<string, number[]>();
  private sweptAt = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one write of `user`, or throws a 429 (counting nothing) when they already made
   * `perMinute` in the last minute. Returns a function that gives the write back.
   */
  take(user: string): () => void {
    const now = this.now();
    this.sweep(now);
    const recent = (this.writes.get(user) ?? []).filter(
      t => t > now - MINUTE_MS,
    );
    this.writes.set(user, recent);
    if (recent.length >= this.perMinute) {
      const retryAfter = Math.max(
        1,
        Math.ceil((recent[0] + MINUTE_MS - now) / 1000),
      );
      throw new TooManyRequestsError(
        `too many silence changes: at most ${this.perMinute} a minute per user (monitoring.alertmanager.silenceWrites.perUserPerMinute); try again in ${retryAfter} s`,
        retryAfter,
      );
    }
    recent.push(now);
    return () => {
      const times = this.writes.get(user);
      const i = times?.indexOf(now) ?? -1;
      if (times && i >= 0) times.splice(i, 1);
    };
  }

  /** Forgets users without a write in the last minute, once a minute. */
  private sweep(now: number) {
    if (now - this.sweptAt < MINUTE_MS) return;
    this.sweptAt = now;
    for (const [user, times] of this.writes) {
      if (!times.some(t => t > now - MINUTE_MS)) this.writes.delete(user);
    }
  }
}

/**
 * Whether a silence counts toward the cap of the scope's service: the silences Backstage makes
 * for a service carry its `service` (and the entity's `namespace`, when it has one) as exact
 * matchers and no regex matcher, whichever entity naming the service they were made through.
 */
export function silenceOfService(
  silence: Pick<AmSilence, 'matchers'>,
  scope: Pick<AlertScope, 'service' | 'namespace'>,
): boolean {
  if (scope.service === undefined) return false;
  if (silence.matchers.some(m => m.isRegex)) return false;
  const exact = (name: string) =>
    silence.matchers.filter(m => m.name === name && m.isEqual);
  const service = exact(LABELS.service);
  const namespace = silence.matchers.filter(m => m.name === LABELS.namespace);
  return (
    service.length === 1 &&
    service[0].value === scope.service &&
    (scope.namespace === undefined
      ? namespace.length === 0
      : namespace.length === 1 &&
        namespace[0].isEqual &&
        namespace[0].value === scope.namespace)
  );
}

/**
 * At most `max` active silences per service. Creates under way hold a place, so concurrent
 * creates cannot all pass on the same count.
 */
export class PerServiceSilenceCap {
  private readonly pending = new Map<string, number>();

  constructor(private readonly max: number) {}

  /**
   * Counts the service's active silences in `silences` plus the creates under way, and holds a
   * place or throws a 429. Call it with no await between the read and this call; returns the
   * release of the place (once the created silence is among the ones read, or failed).
   */
  reserve(
    scope: Pick<AlertScope, 'service' | 'namespace'>,
    silences: AmSilence[],
    now = Date.now(),
  ): () => void {
    const key = JSON.stringify([scope.service, scope.namespace ?? null]);
    const active = silences.filter(
      s =>
        s.state !== 'expired' &&
        !(Date.parse(s.endsAt) <= now) &&
        silenceOfService(s, scope),
    );
    const held = this.pending.get(key) ?? 0;
    if (active.length + held >= this.max) {
      throw new TooManyRequestsError(
        `service ${scope.service} already has ${active.length + held} active silences made through Backstage, the most allowed (monitoring.alertmanager.silenceWrites.maxActivePerService); expire one first`,
      );
    }
    this.pending.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.pending.get(key) ?? 1) - 1;
      if (left > 0) this.pending.set(key, left);
      else this.pending.delete(key);
    };
  }
}
