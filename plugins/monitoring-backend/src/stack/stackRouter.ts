import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { monitoringStackReadPermission } from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { refuseUnknownParameters } from '../lib/unknownParameters';
import { StackService } from './StackService';

export interface StackRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  stack: StackService;
}

/** `GET /stack`: the health of the monitoring stack (monitoring.stack.read). */
export function createStackRouter(options: StackRouterOptions): express.Router {
  const { httpAuth, permissions, stack } = options;
  const router = Router();

  router.get('/stack', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    refuseUnknownParameters(req.query);
    const [decision] = await permissions.authorize(
      [{ permission: monitoringStackReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        'not allowed to read the health of the monitoring stack',
      );
    res.json(await stack.getStack());
  });

  return router;
}
