import {
  mockCredentials,
  mockServices,
  ServiceMock,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import {
  BackendFeature,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import { monitoringPlugin } from '../plugin';

/** A permission policy: `true` allows `permission` (its name) on `resourceRef`. */
export type Decide = (permission: string, resourceRef?: string) => boolean;

export interface MonitoringBackendOptions {
  /** The `monitoring` config block (vmselect's URL at least). */
  monitoring: JsonObject;
  /** Root config beside `monitoring`, e.g. `kubernetes`. */
  config?: JsonObject;
  /** The catalog's entities (none by default). */
  entities?: Entity[];
  /**
   * The permission policy: one decision for everything, a decision per permission and
   * resource, or a mock of the whole service (`mockServices.permissions.mock(...)`); by default
   * the test backend's own, which allows everything.
   */
  permissions?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | Decide
    | ServiceMock<PermissionsService>;
  /**
   * The scheduler (`mockServices.scheduler()`), to refresh the fleet's and the stack's
   * snapshots with `triggerTask`. Either way they are not taken at startup, only when first read
   * (so a test's upstream sees only the queries of the routes it calls).
   */
  scheduler?: SchedulerService;
  /**
   * Backstage's own scheduler (on the test backend's in-memory database) instead: the snapshots
   * refresh on their cadence (`monitoring.snapshots.refresh`), as in production.
   */
  realScheduler?: boolean;
  /** More features, e.g. service factories. */
  features?: BackendFeature[];
}

function permissionsFeature(
  permissions: MonitoringBackendOptions['permissions'],
): BackendFeature[] {
  if (permissions === undefined) return [];
  if (typeof permissions === 'function') {
    const decide = permissions;
    return [
      mockServices.permissions.mock({
        authorize: async reqs =>
          reqs.map(r => ({
            result: decide(r.permission.name, (r as any).resourceRef)
              ? AuthorizeResult.ALLOW
              : AuthorizeResult.DENY,
          })) as any,
        // A decision per resource is a condition no plugin can evaluate in bulk: callers that
        // filter lists fall back to asking per resource (`authorize`), i.e. to `decide`.
        authorizeConditional: async reqs =>
          reqs.map(r =>
            r.permission.type === 'resource'
              ? {
                  result: AuthorizeResult.CONDITIONAL,
                  pluginId: 'test',
                  resourceType: r.permission.resourceType,
                  conditions: {
                    rule: 'DECIDED_PER_RESOURCE',
                    resourceType: r.permission.resourceType,
                    params: {},
                  },
                }
              : {
                  result: decide(r.permission.name)
                    ? AuthorizeResult.ALLOW
                    : AuthorizeResult.DENY,
                },
          ) as any,
      }).factory,
    ];
  }
  if (typeof permissions === 'object') return [permissions.factory];
  return [mockServices.permissions.factory({ result: permissions })];
}

/**
 * The monitoring plugin in a test backend, with the catalog, the permission policy and the
 * config given. A request without a token is signed out (the test backend's default would treat
 * it as a signed-in user): send `mockCredentials.user.header()` to sign in.
 */
export function startMonitoringBackend(
  options: MonitoringBackendOptions,
): Promise<TestBackend> {
  return startTestBackend({
    features: [
      monitoringPlugin,
      mockServices.rootConfig.factory({
        data: { ...options.config, monitoring: options.monitoring },
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      ...permissionsFeature(options.permissions),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      options.realScheduler
        ? schedulerServiceFactory
        : // A MockSchedulerService: its factory is not part of the SchedulerService type.
          (options.scheduler ?? (mockServices.scheduler() as any)).factory({
            skipTaskRunOnStartup: true,
          }),
      ...(options.features ?? []),
    ],
  });
}
