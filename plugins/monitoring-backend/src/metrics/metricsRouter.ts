import { HttpAuthService } from '@backstage/backend-plugin-api';
import { monitoringMetricsReadPermission } from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityAccess } from '../claims/EntityAccess';
import { ENTITY_PATH, entityRefOf } from '../lib/entityPath';
import { Bounded } from '../lib/inFlightLimit';
import { EntityMetricsService } from './EntityMetricsService';
import { resolveRange } from './timeRange';

export interface MetricsRouterOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  metrics: EntityMetricsService;
  bounded: Bounded;
  /** The hub's retention: ranges start no earlier. */
  retentionSeconds?: number;
}

/** `GET .../metrics`: every panel of the entity's profile, per environment. */
export function createMetricsRouter(
  options: MetricsRouterOptions,
): express.Router {
  const { httpAuth, access, metrics, bounded } = options;
  const router = Router();

  router.get(`${ENTITY_PATH}/metrics`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    const range = resolveRange(req.query, Date.now() / 1000, {
      retentionSeconds: options.retentionSeconds,
    });
    // The claimant lookups and permission checks count against the caller's limit too.
    res.json(
      await bounded(credentials, res, async signal => {
        const { entity } = await access.authorize(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the metrics of',
        );
        return metrics.getMetrics(entity, range, signal);
      }),
    );
  });

  return router;
}
