import {
  AuthService,
  BackstageCredentials,
  CacheService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  authorizeInChunks,
  CLAIMANT_FIELDS,
  claimantFilter,
  EntityClaim,
  entityClaim,
  refsToAuthorize,
  ServiceClaimant,
  serviceIdentity,
  toClaimants,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { quietly } from '../lib/quietly';

/** How long a claim (who names a service) is reused: a new claimant counts within this. */
export const CLAIMS_TTL_MS = 30_000;

/**
 * Who claims and who owns a service (the claim rules of `monitoring-common`'s claims.ts).
 * Acting on an entity's service (reading, silencing) needs the permission on the entity and on
 * each of the service's other owners: an entity naming someone else's service gains nothing,
 * and, once an owner comes from a trusted location, an untrusted claimant cannot block it.
 *
 * Claimants are looked up with the plugin's own credentials (they include entities the caller
 * cannot see, whose refs are therefore never reported), cached for 30 s per service.
 */
export class ServiceClaims {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
    private readonly cache: CacheService,
    private readonly trusted: TrustedLocations,
  ) {}

  /** Every entity whose annotations name `service`, in any namespace. */
  async claimants(service: string): Promise<ServiceClaimant[]> {
    const key = `claims:v2:${JSON.stringify([service])}`;
    const cached = (await quietly(() => this.cache.get(key))) as
      ServiceClaimant[] | undefined;
    if (cached) return cached;
    const { items } = await this.catalog.getEntities(
      { filter: claimantFilter(service), fields: CLAIMANT_FIELDS },
      { credentials: await this.auth.getOwnServiceCredentials() },
    );
    const claims = toClaimants(items, stringifyEntityRef, this.trusted).filter(
      c => c.identity.service === service,
    );
    await quietly(() =>
      this.cache.set(key, claims as any, { ttl: CLAIMS_TTL_MS }),
    );
    return claims;
  }

  /** What the claim rules say about `entity`, or undefined when it names no service. */
  async claimOf(entity: Entity): Promise<EntityClaim | undefined> {
    const identity = serviceIdentity(entity);
    if (!identity) return undefined;
    return entityClaim(
      stringifyEntityRef(entity),
      this.trusted.trusts(entity),
      identity,
      await this.claimants(identity.service),
    );
  }

  /**
   * Throws NotAllowedError unless the caller holds `permission` on every other owner of the
   * entity's service (the entity itself was checked by the caller); returns the entity's claim.
   */
  async authorizeClaimants(
    entity: Entity,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
  ): Promise<EntityClaim | undefined> {
    const identity = serviceIdentity(entity);
    if (!identity) return undefined;
    const self = stringifyEntityRef(entity);
    const trusted = this.trusted.trusts(entity);
    const claimants = await this.claimants(identity.service);
    const others = refsToAuthorize(self, trusted, identity, claimants);
    if (others.length > 0) {
      const decisions = await authorizeInChunks(
        others.map(resourceRef => ({ permission, resourceRef })),
        chunk => this.permissions.authorize(chunk, { credentials }),
      );
      const denied = decisions.filter(
        d => d.result !== AuthorizeResult.ALLOW,
      ).length;
      if (denied > 0) {
        throw new NotAllowedError(
          `not allowed to ${what} ${self}: service "${identity.service.slice(0, 64)}" is also owned by ` +
            `${denied} other entit${denied === 1 ? 'y' : 'ies'} you may not ${what}`,
        );
      }
    }
    return entityClaim(self, trusted, identity, claimants);
  }
}
