/**
 * Silences made from Backstage: the request says how long and why (and optionally which alert
 * and environment); the matchers are always built here from the entity's own scope, exact and
 * never regex.
 */
import { InputError } from '@backstage/errors';
import {
  AlertScope,
  checkAlertName,
  InvalidMatcherError,
  LABELS,
  parseDurationMs,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AmMatcher, NewSilence } from './AlertmanagerClient';

export const MIN_SILENCE_MS = 60_000;
export const MAX_COMMENT_LENGTH = 1000;
const ENVIRONMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/**
 * `90m`, `1h`, `1h30m`, `2d`: the duration grammar (monitoring-common), days, hours and minutes,
 * combined largest first.
 */
const SILENCE_DURATION = { units: 'dhm', compound: true } as const;
/** Alertmanager's silence ids are UUIDs; anything in this shape is safe in a path. */
export const SILENCE_ID = /^[A-Za-z0-9-]{1,64}$/;

export function parseSilenceDuration(raw: unknown, maxMs: number): number {
  if (typeof raw !== 'string' || !raw) {
    throw new InputError('duration is required, e.g. "1h" or "30m"');
  }
  const ms = parseDurationMs(raw.trim(), SILENCE_DURATION);
  if (ms === undefined) {
    throw new InputError(
      `duration must look like 30m, 1h or 1h30m, got "${raw.slice(0, 32)}"`,
    );
  }
  if (ms < MIN_SILENCE_MS) throw new InputError('duration must be at least 1m');
  if (ms > maxMs) {
    throw new InputError(
      `duration must be at most ${Math.round(maxMs / 60_000)}m (monitoring.alertmanager.maxSilence)`,
    );
  }
  return ms;
}

export function parseComment(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim())
    throw new InputError(
      'comment is required: say why the alerts are silenced',
    );
  const comment = raw.trim();
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw new InputError(
      `comment must be at most ${MAX_COMMENT_LENGTH} characters`,
    );
  }
  // Newlines and tabs are fine in a comment; other control characters are not.
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(comment))
    throw new InputError('comment must not contain control characters');
  return comment;
}

export interface SilenceRequest {
  durationMs: number;
  comment: string;
  alertname?: string;
  environment?: string;
}

/** Checks a request body; only the four known fields are read, any other is refused. */
export function parseSilenceRequest(
  body: unknown,
  maxMs: number,
): SilenceRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new InputError('the body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter(
    k => !['duration', 'comment', 'alertname', 'environment'].includes(k),
  );
  if (unknown.length) {
    // In particular `matchers`: they are never taken from a request.
    throw new InputError(
      `unknown field(s): ${unknown
        .slice(0, 5)
        .map(k => k.slice(0, 32))
        .join(', ')}`,
    );
  }
  const request: SilenceRequest = {
    durationMs: parseSilenceDuration(b.duration, maxMs),
    comment: parseComment(b.comment),
  };
  if (b.alertname !== undefined && b.alertname !== '') {
    if (typeof b.alertname !== 'string')
      throw new InputError('alertname must be a string');
    try {
      request.alertname = checkAlertName(b.alertname, 'alertname');
    } catch (e) {
      if (e instanceof InvalidMatcherError) throw new InputError(e.message);
      throw e;
    }
  }
  if (b.environment !== undefined && b.environment !== '') {
    if (typeof b.environment !== 'string' || !ENVIRONMENT.test(b.environment)) {
      throw new InputError(
        'environment must be an environment name like "production"',
      );
    }
    request.environment = b.environment;
  }
  return request;
}

/** The silence's matchers: the entity's scope, exact, plus the optional alert and environment. */
export function silenceMatchers(
  scope: AlertScope,
  req: Pick<SilenceRequest, 'alertname' | 'environment'>,
): AmMatcher[] {
  if (scope.service === undefined) {
    throw new InputError(
      'silences need the entity to name its service (monitoring or kubernetes annotations)',
    );
  }
  const exact = (name: string, value: string, isEqual = true): AmMatcher => ({
    name,
    value,
    isRegex: false,
    isEqual,
  });
  const matchers = [exact(LABELS.service, scope.service)];
  if (scope.namespace !== undefined)
    matchers.push(exact(LABELS.namespace, scope.namespace));
  for (const m of scope.strictMatchers)
    matchers.push(exact(m.name, m.value, m.op === '='));
  if (req.alertname) matchers.push(exact('alertname', req.alertname));
  if (req.environment)
    matchers.push(exact(LABELS.environment, req.environment));
  return matchers;
}

export function newSilence(
  scope: AlertScope,
  req: SilenceRequest,
  createdBy: string,
  now = Date.now(),
): NewSilence {
  return {
    matchers: silenceMatchers(scope, req),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + req.durationMs).toISOString(),
    createdBy,
    comment: req.comment,
  };
}
