import { HttpAuthService } from '@backstage/backend-plugin-api';
import {
  EntitySloResponse,
  monitoringMetricsReadPermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
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

/**
 * A period longer than the hub keeps data is read over what it keeps: say so on each objective
 * (the budget would otherwise look better or worse than the period's without a hint why).
 */
export function withRetentionWarning(
  answer: EntitySloResponse,
  retentionSeconds: number | undefined,
  nowSeconds: number = Date.now() / 1000,
): EntitySloResponse {
  // An earlier instant reaches further back: its period must still be within what is kept.
  const reach =
    nowSeconds - Date.parse(answer.evaluatedAt) / 1000 + answer.periodSeconds;
  if (!retentionSeconds || reach <= retentionSeconds) return answer;
  const days = (s: number) => `${Number((s / 86_400).toFixed(1))}d`;
  const warning = `the hub keeps ${days(retentionSeconds)} of data (monitoring.retention), less than the ${answer.period} period reaches back: the SLI and budget cover only what it keeps`;
  return {
    ...answer,
    objectives: answer.objectives.map(o => ({
      ...o,
      warnings: [...o.warnings, warning],
    })),
  };
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
        const answer = await slo.getSlo(entity, time, signal, {
          unnamespacedAlerts: claim?.soleOwner,
        });
        return withRetentionWarning(answer, options.retentionSeconds);
      }),
    );
  });

  return router;
}
