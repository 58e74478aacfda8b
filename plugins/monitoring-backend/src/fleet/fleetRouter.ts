import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { FleetFilters } from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { Bounded } from '../lib/inFlightLimit';
import { refuseUnknownParameters } from '../lib/unknownParameters';
import { FleetService } from './FleetService';

const FILTERS = ['environment', 'owner', 'system', 'lifecycle', 'q'] as const;

export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  fleet: FleetService;
  bounded: Bounded;
}

/** `GET /fleet`: every monitored entity the caller may read, by environment. */
export function createFleetRouter(options: FleetRouterOptions): express.Router {
  const { httpAuth, fleet, bounded } = options;
  const router = Router();

  router.get('/fleet', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const filters: FleetFilters = {};
    for (const key of FILTERS) {
      const value = req.query[key];
      if (value === undefined || value === '') continue;
      if (
        typeof value !== 'string' ||
        value.length > 200 ||
        // eslint-disable-next-line no-control-regex -- control characters are what it refuses
        /[\u0000-\u001f]/.test(value)
      ) {
        throw new InputError(
          `${key} must be one value of at most 200 printable characters`,
        );
      }
      filters[key] = value;
    }
    refuseUnknownParameters(req.query, FILTERS);
    res.json(
      await bounded(credentials, res, () =>
        fleet.getFleet(credentials, filters),
      ),
    );
  });

  return router;
}
