import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { createAlertsRouter } from './alerts/alertsRouter';
import { EntityAlertsService } from './alerts/EntityAlertsService';
import { createClaimsRouter } from './claims/claimsRouter';
import { EntityAccess } from './claims/EntityAccess';
import { ServiceClaims } from './claims/ServiceClaims';
import { createFleetRouter } from './fleet/fleetRouter';
import { FleetService } from './fleet/FleetService';
import { inFlightLimit } from './lib/inFlightLimit';
import { EntityMetricsService } from './metrics/EntityMetricsService';
import { createMetricsRouter } from './metrics/metricsRouter';
import { EntitySloService } from './slo/EntitySloService';
import { createSloRouter } from './slo/sloRouter';
import { createStackRouter } from './stack/stackRouter';
import { StackService } from './stack/StackService';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  metrics: EntityMetricsService;
  alerts: EntityAlertsService;
  slo: EntitySloService;
  claims: ServiceClaims;
  fleet: FleetService;
  stack: StackService;
  /** Metric and history requests one principal may have in flight (default 6). */
  maxRequestsPerPrincipal?: number;
  /** The hub's retention: ranges start no earlier. */
  retentionSeconds?: number;
}

/**
 * The plugin's routes, one router per feature. The per-principal in-flight limit is one for
 * all of them: a caller's metrics, alerts, SLO, claims and fleet requests count together.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, claims, retentionSeconds } = options;
  const bounded = inFlightLimit(options.maxRequestsPerPrincipal ?? 6);
  const access = new EntityAccess(catalog, permissions, claims);

  const router = Router();
  router.use(
    createMetricsRouter({
      httpAuth,
      access,
      metrics: options.metrics,
      bounded,
      retentionSeconds,
    }),
  );
  router.use(
    createAlertsRouter({
      httpAuth,
      access,
      alerts: options.alerts,
      bounded,
      retentionSeconds,
    }),
  );
  router.use(
    createSloRouter({
      httpAuth,
      access,
      slo: options.slo,
      bounded,
      retentionSeconds,
    }),
  );
  router.use(createClaimsRouter({ httpAuth, access, claims, bounded }));
  router.use(createFleetRouter({ httpAuth, fleet: options.fleet, bounded }));
  router.use(
    createStackRouter({ httpAuth, permissions, stack: options.stack }),
  );
  return router;
}
