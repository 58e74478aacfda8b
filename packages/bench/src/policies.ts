/**
 * Who the load benchmark's virtual users are, and what they may read.
 *
 * User `user:default/load-<i>` belongs to group `team-<i mod 40>` (the user info service), as
 * the synthetic catalog's owners are. Two permission policies:
 * - `allow`: every permission allowed (the test backend's MockPermissionsService);
 * - `owner`: a conditional policy as a real one is written: `catalog.entity.read` and
 *   `monitoring.metrics.read` on an entity only for its owners (the catalog's isEntityOwner rule,
 *   as `authorizeConditional` answers it, so /fleet evaluates it on the snapshot), and
 *   `authorize` on one entity answered the same way (the owner of a synthetic service is known
 *   from its name).
 */
import {
  BackstageCredentials,
  coreServices,
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { OWNER_GROUPS, ownerOf } from './synthetic';

export type Policy = 'allow' | 'owner';
export const POLICIES: Policy[] = ['allow', 'owner'];

export const loadUser = (i: number) => `user:default/load-${i}`;

/** The groups a load user belongs to, by the number in its name. */
function ownership(userEntityRef: string): string[] {
  const n = Number(/load-(\d+)$/.exec(userEntityRef)?.[1] ?? NaN);
  return Number.isFinite(n)
    ? [userEntityRef, `group:default/${ownerOf(n % OWNER_GROUPS)}`]
    : [userEntityRef];
}

const userRef = (credentials: BackstageCredentials) =>
  (credentials.principal as { userEntityRef?: string }).userEntityRef ?? '';

export const userInfoFactory = createServiceFactory({
  service: coreServices.userInfo,
  deps: {},
  factory: () => ({
    async getUserInfo(credentials: BackstageCredentials) {
      const userEntityRef = userRef(credentials);
      return { userEntityRef, ownershipEntityRefs: ownership(userEntityRef) };
    },
  }),
});

/** Whether the caller owns the synthetic service `resourceRef` (bench-svc-<n>). */
function owns(credentials: BackstageCredentials, resourceRef: string) {
  const { name } = parseEntityRef(resourceRef);
  const n = Number(/^bench-svc-(\d+)$/.exec(name)?.[1] ?? NaN);
  return (
    Number.isFinite(n) &&
    ownership(userRef(credentials)).includes(`group:default/${ownerOf(n)}`)
  );
}

const ownerPolicy: PermissionsService = {
  async authorizeConditional(requests, options) {
    const claims = ownership(userRef(options.credentials));
    return requests.map(({ permission }) =>
      permission.type === 'resource' &&
      permission.resourceType === 'catalog-entity'
        ? createCatalogConditionalDecision(
            permission as ResourcePermission<'catalog-entity'>,
            catalogConditions.isEntityOwner({ claims }),
          )
        : { result: AuthorizeResult.ALLOW },
    ) as any;
  },
  async authorize(requests, options) {
    return requests.map(r => ({
      result:
        !('resourceRef' in r) ||
        !r.resourceRef ||
        owns(options.credentials, r.resourceRef)
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }));
  },
};

export function permissionsFactory(policy: Policy) {
  return policy === 'allow'
    ? mockServices.permissions.factory({ result: AuthorizeResult.ALLOW })
    : createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => ownerPolicy,
      });
}
