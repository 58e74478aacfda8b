import { createHash, randomUUID } from 'node:crypto';
import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import { quietly } from '../lib/quietly';
import { SharedLoad } from '../lib/sharedLoad';
import { AlertmanagerClient, AmAlert, AmSilence } from './AlertmanagerClient';
import { VmAlertClient, VmAlertRule } from './VmAlertClient';

/** Everything the alert views need of one hub, read at one moment. */
export interface AlertSnapshot {
  /** ISO-8601 */
  fetchedAt: string;
  rules: VmAlertRule[];
  /** `unavailable`: Alertmanager did not answer; `not-configured`: there is none. */
  alertmanager: 'ok' | 'unavailable' | 'not-configured';
  amAlerts: AmAlert[];
  silences: AmSilence[];
}

/** How long one read of vmalert and Alertmanager serves every request. */
export const ALERT_SNAPSHOT_TTL_MS = 10_000;

/**
 * Silence writes invalidate the snapshot at most once per this window: the first at once, the
 * others of a burst together at its end, so N writes cost one or two reads, not N.
 */
export const SILENCE_REFRESH_WINDOW_MS = 2_000;

/** How long a generation is kept: far longer than any snapshot (a lost one only means a fresh read). */
const GENERATION_TTL_MS = 24 * 3600_000;

/** A silence write of this process is overlaid on reads at most this long (normally until seen). */
const LOCAL_WRITE_MAX_AGE_MS = 60_000;

/**
 * Whether a silence made here mutes an alert: its matchers are exact (the backend builds them),
 * equal or not equal.
 */
function mutes(silence: AmSilence, labels: Record<string, string>): boolean {
  return silence.matchers.every(
    m =>
      !m.isRegex &&
      ((labels[m.name] ?? '') === m.value) === (m.isEqual ?? true),
  );
}

/**
 * One shared read of all rules, alerts and silences of the hub: cached for a few seconds
 * through the CacheService (so several backend replicas share it when the cache is shared),
 * and coalesced while in flight, so 200 entity requests in a minute cost one upstream read per
 * interval, whatever the number of entities. The fleet view reads the same snapshot.
 */
export class AlertSnapshots {
  private readonly shared = new SharedLoad<AlertSnapshot>();
  private generation = 0;
  private lastInvalidation = -Infinity;
  private trailing?: ReturnType<typeof setTimeout>;
  /** Silences created here that no read of Alertmanager has listed yet. */
  private readonly created = new Map<
    string,
    { silence: AmSilence; at: number }
  >();
  /** Silences expired here that a read of Alertmanager may still list. */
  private readonly expired = new Map<string, number>();
  /** One entry per hub: the upstreams' URLs are part of the key. */
  private readonly key: string;

  constructor(
    private readonly vmalert: VmAlertClient,
    private readonly alertmanager: AlertmanagerClient | undefined,
    private readonly cache: CacheService,
    private readonly logger: LoggerService,
  ) {
    const hub = `${vmalert.upstream?.baseUrl}\n${alertmanager?.upstream?.baseUrl ?? ''}`;
    this.key = `alerts:snapshot:v1:${createHash('sha256').update(hub).digest('base64url')}`;
  }

  get(): Promise<AlertSnapshot> {
    return this.shared
      .run(() => this.load(this.generation))
      .then(snapshot => this.withLocalWrites(snapshot));
  }

  /**
   * After this process created a silence: it is listed (and counted) at once, and Alertmanager
   * is read again soon (see SILENCE_REFRESH_WINDOW_MS).
   */
  silenceCreated(silence: AmSilence): Promise<void> {
    this.created.set(silence.id, { silence, at: Date.now() });
    return this.silencesChanged();
  }

  /** After this process expired a silence: it is no longer listed, and Alertmanager is read again soon. */
  silenceExpired(id: string): Promise<void> {
    this.created.delete(id);
    this.expired.set(id, Date.now());
    return this.silencesChanged();
  }

  /** The first invalidation in a window at once; the others of that window at its end, as one. */
  private silencesChanged(): Promise<void> {
    const now = Date.now();
    const windowEnd = this.lastInvalidation + SILENCE_REFRESH_WINDOW_MS;
    if (now >= windowEnd) {
      this.lastInvalidation = now;
      return this.invalidate();
    }
    if (!this.trailing) {
      this.trailing = setTimeout(() => {
        this.trailing = undefined;
        this.lastInvalidation = Date.now();
        void this.invalidate();
      }, windowEnd - now);
      // A pending refresh does not keep the process alive.
      this.trailing.unref?.();
    }
    return Promise.resolve();
  }

  /** This process's silence writes that the snapshot does not show yet, applied to it. */
  private withLocalWrites(snapshot: AlertSnapshot): AlertSnapshot {
    if (
      snapshot.alertmanager !== 'ok' ||
      (!this.created.size && !this.expired.size)
    )
      return snapshot;
    const now = Date.now();
    const listed = new Set(snapshot.silences.map(s => s.id));
    for (const [id, { silence, at }] of this.created) {
      if (
        listed.has(id) ||
        Date.parse(silence.endsAt) <= now ||
        now - at > LOCAL_WRITE_MAX_AGE_MS
      )
        this.created.delete(id);
    }
    for (const [id, at] of this.expired) {
      if (!listed.has(id) || now - at > LOCAL_WRITE_MAX_AGE_MS)
        this.expired.delete(id);
    }
    if (!this.created.size && !this.expired.size) return snapshot;
    const created = [...this.created.values()].map(c => c.silence);
    return {
      ...snapshot,
      silences: [
        ...snapshot.silences.filter(s => !this.expired.has(s.id)),
        ...created,
      ],
      // The alerts' state follows, as Alertmanager will report it on the next read.
      amAlerts: snapshot.amAlerts.map(alert => {
        const silencedBy = [
          ...alert.silencedBy.filter(id => !this.expired.has(id)),
          ...created
            .filter(
              c => !alert.silencedBy.includes(c.id) && mutes(c, alert.labels),
            )
            .map(c => c.id),
        ];
        if (
          silencedBy.length === alert.silencedBy.length &&
          silencedBy.every((id, i) => id === alert.silencedBy[i])
        )
          return alert;
        const muted = silencedBy.length > 0 || alert.inhibitedBy.length > 0;
        return {
          ...alert,
          silencedBy,
          state: muted ? 'suppressed' : 'active',
        };
      }),
    };
  }

  /**
   * The next request of every replica reads Alertmanager again: the snapshot's key carries a
   * generation kept in the (shared) cache, and a new one orphans every snapshot cached under
   * the old, including one a replica is still writing from a read that predates the change.
   */
  async invalidate(): Promise<void> {
    this.generation++;
    this.shared.forget();
    await quietly(() =>
      this.cache.set(this.generationKey, randomUUID(), {
        ttl: GENERATION_TTL_MS,
      }),
    );
  }

  private get generationKey(): string {
    return `${this.key}:generation`;
  }

  private async sharedGeneration(): Promise<string> {
    const value = await quietly(() => this.cache.get(this.generationKey));
    return typeof value === 'string' ? value : '0';
  }

  private async load(generation: number): Promise<AlertSnapshot> {
    const key = `${this.key}:${await this.sharedGeneration()}`;
    // A cache that fails (or refuses a large snapshot) costs a fresh read, not the request.
    const cached = (await quietly(() => this.cache.get(key))) as
      AlertSnapshot | undefined;
    if (cached) return cached;
    const [rules, am] = await Promise.all([
      this.vmalert.alertingRules(),
      this.readAlertmanager(),
    ]);
    const snapshot: AlertSnapshot = {
      fetchedAt: new Date().toISOString(),
      rules,
      ...am,
    };
    // A silence changed here while this read was under way: do not cache what may predate it.
    // (A change on another replica moved the generation: this lands under an orphaned key.)
    if (generation === this.generation) {
      await quietly(() =>
        this.cache.set(key, snapshot as any, {
          ttl: ALERT_SNAPSHOT_TTL_MS,
        }),
      );
    }
    return snapshot;
  }

  private async readAlertmanager(): Promise<
    Pick<AlertSnapshot, 'alertmanager' | 'amAlerts' | 'silences'>
  > {
    if (!this.alertmanager)
      return { alertmanager: 'not-configured', amAlerts: [], silences: [] };
    try {
      const [amAlerts, silences] = await Promise.all([
        this.alertmanager.alerts(),
        this.alertmanager.silences(),
      ]);
      return {
        alertmanager: 'ok',
        amAlerts,
        silences: silences.filter(s => s.state !== 'expired'),
      };
    } catch (e) {
      // Alerts are still shown from vmalert; their silence state becomes "unknown".
      this.logger.warn(
        `monitoring: Alertmanager read failed: ${isError(e) ? e.message : 'error'}`,
      );
      return { alertmanager: 'unavailable', amAlerts: [], silences: [] };
    }
  }
}
