import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  EntityClaim,
  FleetFilters,
  monitoringAlertsSilencePermission,
  monitoringMetricsReadPermission,
  monitoringStackReadPermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
import express from 'express';
import Router from 'express-promise-router';
import { EntityAlertsService } from '../alerts/EntityAlertsService';
import { withRetryAfter } from '../alerts/silenceLimits';
import {
  HISTORY_DEFAULT_RANGE_SECONDS,
  HISTORY_MAX_POINTS,
} from '../alerts/alertHistory';
import { EntityMetricsService } from './EntityMetricsService';
import { FleetService } from '../fleet/FleetService';
import { StackService } from '../stack/StackService';
import { ServiceClaims } from './ServiceClaims';
import { resolveRange } from './timeRange';

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  metrics: EntityMetricsService;
  alerts: EntityAlertsService;
  claims: ServiceClaims;
  fleet: FleetService;
  stack: StackService;
  /** Metric and history requests one principal may have in flight (default 6). */
  maxRequestsPerPrincipal?: number;
  /** The hub's retention: ranges start no earlier. */
  retentionSeconds?: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$/;
const ENTITY_PATH = '/entity/:kind/:namespace/:name';

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    catalog,
    metrics,
    alerts,
    claims,
    fleet,
    stack,
  } = options;
  const router = Router();
  const maxPerPrincipal = options.maxRequestsPerPrincipal ?? 6;
  const inFlight = new Map<string, number>();

  /**
   * Runs `work` counted against the caller's in-flight limit, with a signal that aborts when the
   * client goes away (its queries still queued are then not sent).
   */
  async function bounded<T>(
    credentials: BackstageCredentials,
    res: express.Response,
    work: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const p = credentials.principal as {
      type?: string;
      userEntityRef?: string;
      subject?: string;
    };
    const who = `${p.type ?? 'none'}:${p.userEntityRef ?? p.subject ?? 'anonymous'}`;
    const count = inFlight.get(who) ?? 0;
    if (count >= maxPerPrincipal) {
      throw new ServiceUnavailableError(
        `${count} of your requests are still running; try again when they finish`,
      );
    }
    inFlight.set(who, count + 1);
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.on('close', onClose);
    try {
      return await work(controller.signal);
    } finally {
      res.off('close', onClose);
      const left = (inFlight.get(who) ?? 1) - 1;
      if (left > 0) inFlight.set(who, left);
      else inFlight.delete(who);
    }
  }

  function entityRefOf(req: express.Request): string {
    const { kind, namespace, name } = req.params;
    for (const [key, value] of Object.entries({ kind, namespace, name })) {
      if (!NAME.test(value))
        throw new InputError(`${key} is not a valid entity ${key}`);
    }
    return stringifyEntityRef({ kind, namespace, name });
  }

  /**
   * The entity, read with the caller's credentials (so the catalog's own read permission
   * applies), once the caller holds `permission` on it and on every other entity that names the
   * same service (see ServiceClaims).
   */
  async function authorizedEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
  ): Promise<{ entity: Entity; claim?: EntityClaim }> {
    const entity = await catalog.getEntityByRef(entityRef, { credentials });
    if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
    const [decision] = await permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${what} ${entityRef}`);
    }
    const claim = await claims.authorizeClaimants(
      entity,
      credentials,
      permission,
      what,
    );
    return { entity, claim };
  }

  router.get(`${ENTITY_PATH}/metrics`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    const range = resolveRange(req.query, Date.now() / 1000, {
      retentionSeconds: options.retentionSeconds,
    });
    // The claimant lookups and permission checks count against the caller's limit too.
    res.json(
      await bounded(credentials, res, async signal => {
        const { entity } = await authorizedEntity(
          entityRef,
          credentials,
          monitoringMetricsReadPermission,
          'read the metrics of',
        );
        return metrics.getMetrics(entity, range, signal);
      }),
    );
  });

  router.get(`${ENTITY_PATH}/alerts`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    res.json(
      await bounded(credentials, res, async () => {
        const { entity, claim } = await authorizedEntity(
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

  /** What the claim rules say about the entity's service: the tab warns of other claimants. */
  router.get(`${ENTITY_PATH}/claims`, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefOf(req);
    res.json(
      await bounded(credentials, res, async () => {
        const entity = await catalog.getEntityByRef(entityRef, {
          credentials,
        });
        if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
        const [decision] = await permissions.authorize(
          [
            {
              permission: monitoringMetricsReadPermission,
              resourceRef: entityRef,
            },
          ],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW)
          throw new NotAllowedError(
            `not allowed to read the claims of ${entityRef}`,
          );
        return { claim: (await claims.claimOf(entity)) ?? null };
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
        const { entity, claim } = await authorizedEntity(
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
      const { entity } = await authorizedEntity(
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
    const { entity } = await authorizedEntity(
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

  router.get('/fleet', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const filters: FleetFilters = {};
    for (const key of [
      'environment',
      'owner',
      'system',
      'lifecycle',
      'q',
    ] as const) {
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
    const unknown = Object.keys(req.query).filter(
      k => !['environment', 'owner', 'system', 'lifecycle', 'q'].includes(k),
    );
    if (unknown.length)
      throw new InputError(
        `unknown parameter(s): ${unknown
          .slice(0, 5)
          .map(k => k.slice(0, 32))
          .join(', ')}`,
      );
    res.json(
      await bounded(credentials, res, () =>
        fleet.getFleet(credentials, filters),
      ),
    );
  });

  router.get('/stack', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const unknown = Object.keys(req.query);
    if (unknown.length)
      throw new InputError(
        `unknown parameter(s): ${unknown
          .slice(0, 5)
          .map(k => k.slice(0, 32))
          .join(', ')}`,
      );
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
