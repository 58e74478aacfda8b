import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  FLEET_HEALTH_ORDER,
  FLEET_PAGE_SIZE,
  FLEET_SORT_KEYS,
  FleetFilters,
  FleetHealth,
  FleetSortKey,
} from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { Bounded } from '../lib/inFlightLimit';
import { refuseUnknownParameters } from '../lib/unknownParameters';
import { FleetService } from './FleetService';

const TEXT = ['environment', 'owner', 'system', 'lifecycle', 'q'] as const;
const PARAMETERS = [
  ...TEXT,
  'health',
  'mine',
  'sort',
  'order',
  'page',
  'pageSize',
] as const;

export interface FleetRouterOptions {
  httpAuth: HttpAuthService;
  fleet: FleetService;
  bounded: Bounded;
}

/** One value of a query parameter, or undefined when absent or empty. */
function single(query: express.Request['query'], key: string) {
  const value = query[key];
  if (value === undefined || value === '') return undefined;
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
  return value;
}

function oneOf<T extends string>(
  key: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(`${key} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function integer(
  key: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new InputError(`${key} must be an integer from ${min} to ${max}`);
  return n;
}

/** The query parameters of `GET /fleet`, validated. */
export function parseFleetQuery(query: express.Request['query']): FleetFilters {
  refuseUnknownParameters(query, PARAMETERS);
  const filters: FleetFilters = {};
  for (const key of TEXT) {
    const value = single(query, key);
    if (value !== undefined) filters[key] = value;
  }
  const health = oneOf<FleetHealth>(
    'health',
    single(query, 'health'),
    FLEET_HEALTH_ORDER,
  );
  if (health) filters.health = health;
  const mine = oneOf('mine', single(query, 'mine'), ['true', 'false']);
  if (mine) filters.mine = mine === 'true';
  const sort = oneOf<FleetSortKey>('sort', single(query, 'sort'), [
    ...FLEET_SORT_KEYS,
  ]);
  if (sort) filters.sort = sort;
  const order = oneOf('order', single(query, 'order'), ['asc', 'desc']);
  if (order) filters.order = order;
  const page = integer('page', single(query, 'page'), 0, 100_000);
  if (page !== undefined) filters.page = page;
  const pageSize = integer(
    'pageSize',
    single(query, 'pageSize'),
    1,
    FLEET_PAGE_SIZE.max,
  );
  if (pageSize !== undefined) filters.pageSize = pageSize;
  return filters;
}

/** `GET /fleet`: one page of the monitored entities the caller may read, by environment. */
export function createFleetRouter(options: FleetRouterOptions): express.Router {
  const { httpAuth, fleet, bounded } = options;
  const router = Router();

  router.get('/fleet', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const filters = parseFleetQuery(req.query);
    res.json(
      await bounded(credentials, res, () =>
        fleet.getFleet(credentials, filters),
      ),
    );
  });

  return router;
}
