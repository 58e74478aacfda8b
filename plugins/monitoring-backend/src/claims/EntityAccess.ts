import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { EntityClaim } from '@hubspoke/backstage-plugin-monitoring-common';
import { ServiceClaims } from './ServiceClaims';

/** What the entity routes check before they act on an entity. */
export class EntityAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
    private readonly claims: ServiceClaims,
  ) {}

  /**
   * The entity, read with the caller's credentials (so the catalog's own read permission
   * applies), once the caller holds `permission` on it: 404 when there is none, 403 with
   * "not allowed to `what` `entityRef`" otherwise.
   */
  async entity(
    entityRef: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
  ): Promise<Entity> {
    const entity = await this.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity) throw new NotFoundError(`no entity ${entityRef}`);
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`not allowed to ${what} ${entityRef}`);
    }
    return entity;
  }

  /**
   * {@link EntityAccess.entity}, once the caller also holds `permission` on every other entity
   * that names the same service (see ServiceClaims); with the entity's claim.
   */
  async authorize(
    entityRef: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
  ): Promise<{ entity: Entity; claim?: EntityClaim }> {
    const entity = await this.entity(entityRef, credentials, permission, what);
    const claim = await this.claims.authorizeClaimants(
      entity,
      credentials,
      permission,
      what,
    );
    return { entity, claim };
  }
}
