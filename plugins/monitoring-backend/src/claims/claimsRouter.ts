import { HttpAuthService } from '@backstage/backend-plugin-api';
import { monitoringMetricsReadPermission } from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { ENTITY_PATH, entityRefOf } from '../lib/entityPath';
import { Bounded } from '../lib/inFlightLimit';
import { EntityAccess } from './EntityAccess';
import { ServiceClaims } from './ServiceClaims';

export interface ClaimsRouterOptions {
  httpAuth: HttpAuthService;
  access: EntityAccess;
  claims: ServiceClaims;
  bounded: Bounded;
}

/** `GET .../claims`: what the claim rules say about the entity's service (the tab warns of other claimants). */
export function createClaimsRouter(
  options: ClaimsRouterOptions,
): express.Router {
  const { httpAuth, access, claims, bounded } = options;
  const router = Router();

  router.get(`${ENTITY_PATH}/claims`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    res.json(
      await bounded(credentials, res, async () => {
        // The entity alone: other claimants are what this route reports, not a reason to refuse.
        const entity = await access.entity(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the claims of',
        );
        return { claim: (await claims.claimOf(entity)) ?? null };
      }),
    );
  });

  return router;
}
