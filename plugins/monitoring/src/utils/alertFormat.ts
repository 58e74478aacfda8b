import {
  AlertInstance,
  AlertState,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** "3 min", "2 h 5 min", "4 d": how long since `iso`, or undefined without a time. */
export function since(
  iso: string | undefined,
  now = Date.now(),
): string | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  if (!Number.isFinite(t)) return undefined;
  const minutes = Math.max(0, Math.floor((now - t) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48)
    return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

/**
 * An alert's value as the rule compares it, to 3 significant digits. Its unit is the rule's
 * (a ratio, seconds...), which only the rule's own summary can say, so it is not guessed here.
 */
export function formatAlertValue(value: number | null): string {
  if (value === null) return '–';
  return Number(value.toPrecision(3)).toString();
}

/** What the silence column says of an instance. */
export function silenceLabel(instance: AlertInstance): string {
  const am = instance.alertmanager;
  if (am.state === 'unknown') return 'unknown (Alertmanager unavailable)';
  if (am.silencedBy.length) return 'silenced';
  if (am.inhibitedBy.length) return 'inhibited';
  if (am.state === 'unprocessed') return 'not yet notified';
  return instance.state === 'pending' ? '–' : 'notified';
}

export const isSilenced = (instance: AlertInstance) =>
  instance.alertmanager.silencedBy.length > 0;

export const STATE_ORDER: AlertState[] = ['firing', 'pending', 'inactive'];

/** The backend's own reason for a failed request (a ResponseError's body), else the message. */
export function errorReason(e: unknown): string {
  const body = (e as { body?: { error?: { message?: unknown } } })?.body;
  if (typeof body?.error?.message === 'string') return body.error.message;
  return e instanceof Error ? e.message : String(e);
}

/** A stable React key for an alert instance: its labels. */
export const instanceKey = (instance: AlertInstance) =>
  JSON.stringify(
    Object.entries(instance.labels).sort(([a], [b]) => a.localeCompare(b)),
  );
