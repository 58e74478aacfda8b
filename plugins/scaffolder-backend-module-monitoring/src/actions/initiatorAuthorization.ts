/**
 * The actions act for the person who runs the task: what they read from the catalog and what
 * they may change are decided with the task initiator's credentials, never the backend's.
 */
import {
  AuthService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  authorizeInChunks,
  CLAIMANT_FIELDS,
  claimantFilter,
  monitoringRulesWritePermission,
  monitoringStackCreatePermission,
  monitoringStackWritePermission,
  refsToAuthorize,
  ServiceIdentity,
  serviceIdentity,
  toClaimants,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** Who the credentials are, for messages: a user's ref, or the kind of principal. */
function who(credentials: BackstageCredentials): string {
  const p = credentials.principal as { type?: string; userEntityRef?: string };
  return p.userEntityRef ?? p.type ?? 'the initiator';
}

/**
 * The catalog namespace of the clusters' `Resource` entities (as the templates register them).
 */
export const CLUSTER_ENTITY_NAMESPACE = 'default';

/**
 * Decides, for the task's initiator, whether an action may change a service's rules or a
 * cluster's monitoring stack.
 *
 * @public
 */
export class InitiatorAuthorization {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      permissions: PermissionsService;
      auth: AuthService;
      trusted: TrustedLocations;
    },
  ) {}

  private async authorize(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    resourceRefs: string[],
  ): Promise<number> {
    const decisions = await authorizeInChunks(
      resourceRefs.map(resourceRef => ({ permission, resourceRef })),
      chunk => this.deps.permissions.authorize(chunk, { credentials }),
    );
    return decisions.filter(d => d.result !== AuthorizeResult.ALLOW).length;
  }

  /**
   * The component, read by its ref with the initiator's credentials, once they hold
   * `monitoring.rules.write` on it and on every other owner of the service its rules select:
   * `identity` when given (what a render's annotations make it select), else the catalog's.
   */
  async serviceEntity(
    entityRef: string,
    credentials: BackstageCredentials,
    identity?: ServiceIdentity,
  ): Promise<Entity> {
    const entity = await this.component(entityRef, credentials);
    await this.serviceOwners(
      entity,
      identity ?? serviceIdentity(entity),
      credentials,
    );
    return entity;
  }

  /** The component, once the initiator holds `monitoring.rules.write` on it. */
  async component(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(entityRef, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      );
    } catch (e) {
      throw new InputError(
        `entityRef "${entityRef.slice(0, 100)}" is not an entity ref`,
      );
    }
    const entity = await this.deps.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new InputError(
        `${ref} is not in the catalog, or ${who(credentials)} may not read it`,
      );
    }
    const permission = monitoringRulesWritePermission;
    if ((await this.authorize(credentials, permission, [ref])) > 0) {
      throw new NotAllowedError(
        `${who(credentials)} may not change the alert rules of ${ref}: permission ${permission.name} on ${ref} was denied`,
      );
    }
    return entity;
  }

  /**
   * Throws unless the initiator holds `monitoring.rules.write` on every other owner of `identity`
   * (the claim rules; `entity` is checked already).
   */
  async serviceOwners(
    entity: Entity,
    identity: ServiceIdentity | undefined,
    credentials: BackstageCredentials,
  ): Promise<void> {
    if (!identity) return;
    const ref = stringifyEntityRef(entity);
    const permission = monitoringRulesWritePermission;
    // Looked up as the backend: the other owners may be entities the initiator cannot see.
    const { items } = await this.deps.catalog.getEntities(
      { filter: claimantFilter(identity.service), fields: CLAIMANT_FIELDS },
      { credentials: await this.deps.auth.getOwnServiceCredentials() },
    );
    const others = refsToAuthorize(
      ref,
      this.deps.trusted.trusts(entity),
      identity,
      toClaimants(items, stringifyEntityRef, this.deps.trusted),
    );
    const denied = await this.authorize(credentials, permission, others);
    if (denied > 0) {
      throw new NotAllowedError(
        `${who(credentials)} may not change the alert rules of ${ref}: its service "${identity.service.slice(0, 64)}" ` +
          `is also owned by ${denied} other entit${denied === 1 ? 'y' : 'ies'} on which permission ${permission.name} was denied`,
      );
    }
  }

  /**
   * Throws unless the initiator may render or apply the monitoring stack of `cluster`:
   * `monitoring.stack.write` on its `Resource` entity when the catalog has it (whether or not they
   * may see it), else `monitoring.stack.create`.
   */
  async stack(
    cluster: string,
    credentials: BackstageCredentials,
    what: string,
  ): Promise<void> {
    const ref = stringifyEntityRef({
      kind: 'resource',
      namespace: CLUSTER_ENTITY_NAMESPACE,
      name: cluster,
    });
    // Whether the cluster exists is the backend's question: a cluster hidden from the initiator
    // must not look new (then stack.create would do).
    const entity = await this.deps.catalog.getEntityByRef(ref, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    if (entity) {
      const permission = monitoringStackWritePermission;
      if ((await this.authorize(credentials, permission, [ref])) > 0) {
        throw new NotAllowedError(
          `${who(credentials)} may not ${what} cluster ${cluster}: permission ${permission.name} on ${ref} was denied`,
        );
      }
      return;
    }
    const permission: BasicPermission = monitoringStackCreatePermission;
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `${who(credentials)} may not ${what} cluster ${cluster}: it is not in the catalog (${ref}) and permission ${permission.name} was denied`,
      );
    }
  }
}
