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
import { QueryRunner } from '../service/QueryRunner';
import { QueryRange } from '../service/timeRange';
import { AlertmanagerClient } from './AlertmanagerClient';
import { alertHistory, alertHistoryQuery } from './alertHistory';
import { AlertSnapshots } from './AlertSnapshots';
import { entityAlerts, silenceBelongsToScope } from './entityAlerts';
import { newSilence, parseSilenceRequest, SILENCE_ID } from './silences';

/** The entity's alert scope; bad annotations are the caller's 400. */
export function entityAlertScope(entity: Entity): AlertScope {
  try {
    return resolveAlertScope(entity.metadata.annotations);
  } catch (e) {
    if (e instanceof InvalidMatcherError) throw new InputError(e.message);
    throw e;
  }
}

/** An entity's alerts, their history, and silences made for it. */
export class EntityAlertsService {
  constructor(
    private readonly snapshots: AlertSnapshots,
    private readonly runner: QueryRunner,
    private readonly environments: string[],
    private readonly alertmanager?: {
      client: AlertmanagerClient;
      config: AlertmanagerConfig;
    },
  ) {}

  async getAlerts(entity: Entity): Promise<EntityAlertsResponse> {
    const scope = entityAlertScope(entity);
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
  ): Promise<EntityAlertHistoryResponse> {
    const scope = entityAlertScope(entity);
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

  /** Parses and checks the request before anything is sent to Alertmanager. */
  async createSilence(
    entity: Entity,
    body: unknown,
    createdBy: string,
  ): Promise<CreateSilenceResponse> {
    const am = this.requireAlertmanager();
    const scope = entityAlertScope(entity);
    const request = parseSilenceRequest(body, am.config.maxSilenceMs);
    const silence = newSilence(scope, request, createdBy);
    const silenceId = await am.client.createSilence(silence);
    await this.snapshots.invalidate();
    return { silenceId, endsAt: silence.endsAt };
  }

  /** Expires a silence, only if it was made for this entity (its matchers are the entity's). */
  async expireSilence(entity: Entity, id: string): Promise<void> {
    const am = this.requireAlertmanager();
    if (!SILENCE_ID.test(id)) throw new InputError('not a silence id');
    const scope = entityAlertScope(entity);
    const silence = await am.client.silence(id);
    if (!silenceBelongsToScope(silence, scope)) {
      throw new NotAllowedError(
        `silence ${id} was not made for ${stringifyEntityRef(entity)}`,
      );
    }
    if (silence.state === 'expired')
      throw new ConflictError(`silence ${id} has already expired`);
    await am.client.expireSilence(id);
    await this.snapshots.invalidate();
  }
}
