import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  monitoringAlertsSilencePermission,
  monitoringMetricsReadPermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityAccess } from '../claims/EntityAccess';
import { ENTITY_PATH, entityRefOf } from '../lib/entityPath';
import { Bounded } from '../lib/inFlightLimit';
import { resolveRange } from '../metrics/timeRange';
import {
  HISTORY_DEFAULT_RANGE_SECONDS,
  HISTORY_MAX_POINTS,
} from './alertHistory';
import { EntityAlertsService } from './EntityAlertsService';
import { withRetryAfter } from './silenceLimits';

export interface AlertsRouterOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  alerts: EntityAlertsService;
  bounded: Bounded;
  /** The hub's retention: history ranges start no earlier. */
  retentionSeconds?: number;
}

/** An entity's alerts, their history, and its silences (create, expire). */
export function createAlertsRouter(
  options: AlertsRouterOptions,
): express.Router {
  const { httpAuth, access, alerts, bounded } = options;
  const router = Router();

  router.get(`${ENTITY_PATH}/alerts`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    res.json(
      await bounded(credentials, res, async () => {
        const { entity, claim } = await access.authorize(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the alerts of',
        );
        return alerts.getAlerts(entity, {
          unnamespacedAlerts: claim?.soleOwner,
        });
      }),
    );
  });

  router.get(`${ENTITY_PATH}/alerts/history`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    if (req.query.step !== undefined)
      throw new InputError('the history chooses its own step');
    const range = resolveRange(req.query, Date.now() / 1000, {
      maxPoints: HISTORY_MAX_POINTS,
      defaultRangeSeconds: HISTORY_DEFAULT_RANGE_SECONDS,
      retentionSeconds: options.retentionSeconds,
    });
    res.json(
      await bounded(credentials, res, async signal => {
        const { entity, claim } = await access.authorize(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the alerts of',
        );
        return alerts.getHistory(entity, range, signal, {
          unnamespacedAlerts: claim?.soleOwner,
        });
      }),
    );
  });

  router.post(
    `${ENTITY_PATH}/silences`,
    express.json({ limit: '16kb' }),
    async (req, res) => {
      // Only a signed-in user may silence: `createdBy` is who they are, whatever the body says.
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const entityRef = entityRefOf(req);
      const { entity } = await access.authorize(
        entityRef,
        credentials,
        monitoringAlertsSilencePermission,
        'silence the alerts of',
      );
      // A 429 (write rate, active silences) is decided before Alertmanager is written.
      const created = await alerts
        .createSilence(entity, req.body, credentials.principal.userEntityRef)
        .catch(e => {
          throw withRetryAfter(res, e);
        });
      res.status(201).json(created);
    },
  );

  router.delete(`${ENTITY_PATH}/silences/:id`, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const entityRef = entityRefOf(req);
    const { entity } = await access.authorize(
      entityRef,
      credentials,
      monitoringAlertsSilencePermission,
      'expire the silences of',
    );
    await alerts
      .expireSilence(entity, req.params.id, credentials.principal.userEntityRef)
      .catch(e => {
        throw withRetryAfter(res, e);
      });
    res.status(204).end();
  });

  return router;
}
