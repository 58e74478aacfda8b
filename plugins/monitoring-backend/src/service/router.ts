import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { monitoringMetricsReadPermission } from '@internal/plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityMetricsService } from './EntityMetricsService';
import { resolveRange } from './timeRange';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  metrics: EntityMetricsService;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const { httpAuth, permissions, catalog, metrics } = options;
  const router = Router();

  router.get('/entity/:kind/:namespace/:name/metrics', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    for (const [key, value] of Object.entries({ kind, namespace, name })) {
      if (!NAME.test(value)) throw new InputError(`${key} is not a valid entity ${key}`);
    }
    const range = resolveRange(req.query);
    const entityRef = stringifyEntityRef({ kind, namespace, name });

    // Read with the caller's credentials, so the catalog's own read permission applies too.
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef}`);

    const [decision] = await permissions.authorize(
      [{ permission: monitoringMetricsReadPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to read the metrics of ${entityRef}`);
    }

    res.json(await metrics.getMetrics(entity, range));
  });

  return router;
}
