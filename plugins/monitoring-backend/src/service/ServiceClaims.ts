import {
  AuthService,
  BackstageCredentials,
  CacheService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { quietly } from '../quietly';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_PROMETHEUS_LABELS,
  ANNOTATION_SERVICE_NAME,
  LABELS,
  parseMatcherList,
  resolveServiceTarget,
  serviceFromLabelSelector,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** A `service` label value and, when the entity names one, its namespace. */
export interface ServiceIdentity {
  service: string;
  namespace?: string;
}

/** How long a claim (who names a service) is reused: a new claimant counts within this. */
export const CLAIMS_TTL_MS = 30_000;

/**
 * The identity of an entity's series, or undefined when its annotations name no service.
 * Fails closed: annotations that are otherwise invalid (a bad `monitoring/selector`) still name
 * a service, and entities that only carry Roadie's annotations name one through
 * `prometheus.io/labels: service=...`.
 */
export function serviceIdentity(entity: Entity): ServiceIdentity | undefined {
  const a = entity.metadata.annotations ?? {};
  let service: string | undefined;
  let namespace = a[ANNOTATION_KUBERNETES_NAMESPACE]?.trim() || undefined;
  try {
    service = resolveServiceTarget(a).service;
  } catch {
    service =
      a[ANNOTATION_SERVICE_NAME]?.trim() ||
      a[ANNOTATION_KUBERNETES_ID]?.trim() ||
      (a[ANNOTATION_KUBERNETES_LABEL_SELECTOR]
        ? serviceFromLabelSelector(a[ANNOTATION_KUBERNETES_LABEL_SELECTOR])
        : undefined);
  }
  if (!service && a[ANNOTATION_PROMETHEUS_LABELS]) {
    try {
      const labels = parseMatcherList(a[ANNOTATION_PROMETHEUS_LABELS]).filter(
        m => m.op === '=',
      );
      service = labels.find(m => m.name === LABELS.service)?.value;
      namespace =
        labels.find(m => m.name === LABELS.namespace)?.value ?? namespace;
    } catch {
      // Unparsable labels select nothing (the alert scope refuses them).
    }
  }
  if (!service) return undefined;
  return { service, ...(namespace !== undefined ? { namespace } : {}) };
}

/** Two identities read some of the same series: same service, and a namespace in common. */
export function overlaps(a: ServiceIdentity, b: ServiceIdentity): boolean {
  if (a.service !== b.service) return false;
  return (
    a.namespace === undefined ||
    b.namespace === undefined ||
    a.namespace === b.namespace
  );
}

/**
 * Who claims a service. Metrics and alerts are selected by the `service` label an entity's
 * annotations name, and anyone who can edit an entity can name any service, so a `service` +
 * `namespace` pair belongs to every entity that names an overlapping one (its claimants), and
 * acting on it needs the permission on every claimant, not only on the entity asked about. An
 * entity naming someone else's service then gains nothing: its readers must also be allowed
 * to read the other's.
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
  ) {}

  /** Refs of every entity whose annotations name an overlapping identity. */
  async claimants(identity: ServiceIdentity): Promise<string[]> {
    const key = `claims:v1:${JSON.stringify([identity.service])}`;
    let claims = (await quietly(() => this.cache.get(key))) as
      Array<{ ref: string; identity: ServiceIdentity }> | undefined;
    if (!claims) {
      const { items } = await this.catalog.getEntities(
        {
          // Any of these (filter sets are OR-ed); selectors and labels are parsed below.
          filter: [
            {
              [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]:
                identity.service,
            },
            {
              [`metadata.annotations.${ANNOTATION_SERVICE_NAME}`]:
                identity.service,
            },
            {
              [`metadata.annotations.${ANNOTATION_KUBERNETES_LABEL_SELECTOR}`]:
                CATALOG_FILTER_EXISTS,
            },
            {
              [`metadata.annotations.${ANNOTATION_PROMETHEUS_LABELS}`]:
                CATALOG_FILTER_EXISTS,
            },
          ],
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.annotations',
          ],
        },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      claims = items.flatMap(e => {
        const id = serviceIdentity(e);
        return id && id.service === identity.service
          ? [{ ref: stringifyEntityRef(e), identity: id }]
          : [];
      });
      await quietly(() =>
        this.cache.set(key, claims as any, { ttl: CLAIMS_TTL_MS }),
      );
    }
    return claims.filter(c => overlaps(c.identity, identity)).map(c => c.ref);
  }

  /**
   * Throws NotAllowedError unless the caller holds `permission` on every other claimant of the
   * entity's service (the entity itself was checked by the caller).
   */
  async authorizeClaimants(
    entity: Entity,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    what: string,
  ): Promise<void> {
    const identity = serviceIdentity(entity);
    if (!identity) return;
    const self = stringifyEntityRef(entity);
    const others = (await this.claimants(identity)).filter(ref => ref !== self);
    if (others.length === 0) return;
    const decisions = await this.permissions.authorize(
      others.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    const denied = decisions.filter(
      d => d.result !== AuthorizeResult.ALLOW,
    ).length;
    if (denied > 0) {
      throw new NotAllowedError(
        `not allowed to ${what} ${self}: service "${identity.service.slice(0, 64)}" is also named by ` +
          `${denied} other entit${denied === 1 ? 'y' : 'ies'} you may not ${what}`,
      );
    }
  }
}
