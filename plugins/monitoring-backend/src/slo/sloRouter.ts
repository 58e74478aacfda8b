import { HttpAuthService } from '@backstage/backend-plugin-api';
import { monitoringMetricsReadPermission } from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityAccess } from '../claims/EntityAccess';
import { ENTITY_PATH, entityRefOf } from '../lib/entityPath';
import { Bounded } from '../lib/inFlightLimit';
import { resolveInstant } from '../metrics/timeRange';
import { EntitySloService } from './EntitySloService';

export interface SloRouterOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  slo: EntitySloService;
  bounded: Bounded;
  /** The hub's retention: `time` is no earlier. */
  retentionSeconds?: number;
}

/** `GET .../slo`: the entity's objectives and error budgets per environment, at `?time=`. */
export function createSloRouter(options: SloRouterOptions): express.Router {
  const { httpAuth, access, slo, bounded } = options;
  const router = Router();

  router.get(`${ENTITY_PATH}/slo`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    const time = resolveInstant(req.query.time, Date.now() / 1000, {
      retentionSeconds: options.retentionSeconds,
    });
    res.json(
      await bounded(credentials, res, async signal => {
        const { entity, claim } = await access.authorize(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the SLOs of',
        );
        return slo.getSlo(entity, time, signal, {
          unnamespacedAlerts: claim?.soleOwner,
        });
      }),
    );
  });

  return router;
}
