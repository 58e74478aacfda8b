import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AlertScope,
  CreateSilenceResponse,
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  InvalidMatcherError,
  resolveAlertScope,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertmanagerConfig } from '../config';
import { QueryRunner } from '../metrics/QueryRunner';
import { QueryRange } from '../metrics/timeRange';
import { AlertmanagerClient, AmSilence } from './AlertmanagerClient';
import { alertHistory, alertHistoryQuery } from './alertHistory';
import { AlertSnapshots } from './AlertSnapshots';
import { entityAlerts, silenceBelongsToScope } from './entityAlerts';
import { newSilence, parseSilenceRequest, SILENCE_ID } from './silences';
import { PerServiceSilenceCap, PerUserWriteLimit } from './silenceLimits';

/**
 * The entity's alert scope; bad annotations are the caller's 400. `unnamespacedAlerts`: the
 * entity is its service's sole owner (ServiceClaims), so alerts without a namespace are its own.
 */
export function entityAlertScope(
  entity: Entity,
  unnamespacedAlerts = false,
): AlertScope {
  try {
    return {
      ...resolveAlertScope(entity.metadata.annotations),
      unnamespacedAlerts,
    };
  } catch (e) {
    if (e instanceof InvalidMatcherError) throw new InputError(e.message);
    throw e;
  }
}

/** An entity's alerts, their history, and silences made for it. */
export class EntityAlertsService {
  /** Silence creates and expires per user (monitoring.alertmanager.silenceWrites). */
  private readonly userWrites?: PerUserWriteLimit;
  /** Active silences per service (monitoring.alertmanager.silenceWrites). */
  private readonly serviceCap?: PerServiceSilenceCap;

  constructor(
    private readonly snapshots: AlertSnapshots,
    private readonly runner: QueryRunner,
    private readonly environments: string[],
    private readonly alertmanager?: {
      client: AlertmanagerClient;
      config: AlertmanagerConfig;
    },
  ) {
    const limits = alertmanager?.config.silenceWrites;
    if (limits) {
      this.userWrites = new PerUserWriteLimit(limits.perUserPerMinute);
      this.serviceCap = new PerServiceSilenceCap(limits.maxActivePerService);
    }
  }

  async getAlerts(
    entity: Entity,
    opts: { unnamespacedAlerts?: boolean } = {},
  ): Promise<EntityAlertsResponse> {
    const scope = entityAlertScope(entity, opts.unnamespacedAlerts);
    return entityAlerts(
      stringifyEntityRef(entity),
      scope,
      await this.snapshots.get(),
      this.environments,
    );
  }

  async getHistory(
    entity: Entity,
    range: QueryRange,
    signal?: AbortSignal,
    opts: { unnamespacedAlerts?: boolean } = {},
  ): Promise<EntityAlertHistoryResponse> {
    const scope = entityAlertScope(entity, opts.unnamespacedAlerts);
    let query: string;
    try {
      query = alertHistoryQuery(scope);
    } catch (e) {
      // e.g. many long alert names add up past the label-value limit.
      if (e instanceof InvalidMatcherError) throw new InputError(e.message);
      throw e;
    }
    const release = this.runner.admit(1);
    const series = await this.runner
      .queryRange(query, range, signal)
      .finally(release);
    return alertHistory(
      stringifyEntityRef(entity),
      series,
      range,
      this.environments,
    );
  }

  private requireAlertmanager() {
    if (!this.alertmanager) {
      throw new ServiceUnavailableError(
        'silences need monitoring.alertmanager in the backend config',
      );
    }
    return this.alertmanager;
  }

  /** The hub's active silences: those of the shared read, else Alertmanager's own answer. */
  private async activeSilences(
    am: NonNullable<EntityAlertsService['alertmanager']>,
  ): Promise<AmSilence[]> {
    const snapshot = await this.snapshots.get().catch(() => undefined);
    if (snapshot?.alertmanager === 'ok') return snapshot.silences;
    // vmalert or Alertmanager failed the shared read: silences do not need vmalert.
    return (await am.client.silences()).filter(s => s.state !== 'expired');
  }

  /**
   * Parses and checks the request, then the caller's write rate and the service's active
   * silences (429), before anything is sent to Alertmanager.
   */
  async createSilence(
    entity: Entity,
    body: unknown,
    createdBy: string,
  ): Promise<CreateSilenceResponse> {
    const am = this.requireAlertmanager();
    const scope = entityAlertScope(entity);
    const request = parseSilenceRequest(body, am.config.maxSilenceMs);
    const silence = newSilence(scope, request, createdBy);
    const giveBack = this.userWrites?.take(createdBy);
    let release: (() => void) | undefined;
    try {
      if (this.serviceCap) {
        const active = await this.activeSilences(am);
        // No await between the count and the reservation.
        release = this.serviceCap.reserve(scope, active);
      }
    } catch (e) {
      // Refused before Alertmanager was written: not one of the caller's writes.
      giveBack?.();
      throw e;
    }
    let changed: Promise<void>;
    let silenceId: string;
    try {
      silenceId = await am.client.createSilence(silence);
      // Listed and counted from now on, so the place it held can go.
      changed = this.snapshots.silenceCreated({
        id: silenceId,
        state: 'active',
        ...silence,
      });
    } finally {
      release?.();
    }
    await changed;
    return { silenceId, endsAt: silence.endsAt };
  }

  /**
   * Expires a silence, only if it was made for this entity (its matchers are the entity's);
   * counted against `user`'s write rate before Alertmanager is called.
   */
  async expireSilence(entity: Entity, id: string, user: string): Promise<void> {
    const am = this.requireAlertmanager();
    if (!SILENCE_ID.test(id)) throw new InputError('not a silence id');
    const scope = entityAlertScope(entity);
    this.userWrites?.take(user);
    const silence = await am.client.silence(id);
    if (!silenceBelongsToScope(silence, scope)) {
      throw new NotAllowedError(
        `silence ${id} was not made for ${stringifyEntityRef(entity)}`,
      );
    }
    if (silence.state === 'expired')
      throw new ConflictError(`silence ${id} has already expired`);
    await am.client.expireSilence(id);
    await this.snapshots.silenceExpired(id);
  }
}
