/**
 * Who owns a service label. Metrics, alerts and rules are selected by the `service` label an
 * entity's annotations name, and anyone who can register or edit an entity can name any service.
 * So every entity naming a service is only a *claimant*; the claim rules below pick the
 * claimants whose permissions govern the service (its *owners*), the same way in the backend
 * (reads, silences, the fleet) and in the scaffolder actions (rules).
 *
 * The rules, in order:
 * 1. Claimants registered from a **trusted location** (their `backstage.io/managed-by-origin-location`
 *    is one of the catalog locations of the app config, or matches `monitoring.claims.trustedLocations`)
 *    own the series of the service (and namespace) they name; other claimants of overlapping
 *    series are ignored: they can neither read them through their own entity without the owners'
 *    permission nor block the owners. (An untrusted claimant of a namespace no trusted entity
 *    names owns that namespace's series, as its only claimant.)
 * 2. Without a trusted claimant, every claimant owns it (fail closed: acting on the service needs
 *    the permission on each of them).
 */
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import {
  ANNOTATION_KUBERNETES_ID,
  ANNOTATION_KUBERNETES_LABEL_SELECTOR,
  ANNOTATION_KUBERNETES_NAMESPACE,
  ANNOTATION_PROMETHEUS_LABELS,
  ANNOTATION_SERVICE_NAME,
  MONITORING_ANNOTATIONS,
} from './annotations';
import { LABELS } from './labelContract';
import { parseMatcherList } from './promql';
import {
  resolveServiceTarget,
  serviceFromLabelSelector,
} from './serviceSelector';

/**
 * A `service` label value and, when the entity names one, its namespace.
 *
 * @public
 */
export interface ServiceIdentity {
  service: string;
  namespace?: string;
}

/**
 * An entity naming a service, and whether it comes from a trusted location.
 *
 * @public
 */
export interface ServiceClaimant {
  ref: string;
  identity: ServiceIdentity;
  trusted: boolean;
}

/**
 * The catalog annotation naming the location an entity was first registered from.
 *
 * @public
 */
export const ANNOTATION_ORIGIN_LOCATION =
  'backstage.io/managed-by-origin-location';

/**
 * Permission requests per authorize call: the permission backend takes JSON bodies of at most
 * 100 kB, about 470 resource requests.
 *
 * @public
 */
export const AUTHORIZE_CHUNK = 200;

/**
 * What the claim rules read of an entity: its annotations.
 *
 * @public
 */
export interface AnnotatedEntity {
  metadata: { annotations?: Record<string, string> };
}

/**
 * The identity of an entity's series, or undefined when its annotations name no service.
 * Fails closed: annotations that are otherwise invalid (a bad `monitoring/selector`) still name
 * a service, and entities that only carry Roadie's annotations name one through
 * `prometheus.io/labels: service=...`.
 *
 * @public
 */
export function serviceIdentity(
  entity: AnnotatedEntity,
): ServiceIdentity | undefined {
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

/**
 * Two identities read some of the same series: same service, and a namespace in common (no
 * namespace overlaps every namespace).
 *
 * @public
 */
export function overlaps(a: ServiceIdentity, b: ServiceIdentity): boolean {
  if (a.service !== b.service) return false;
  return (
    a.namespace === undefined ||
    b.namespace === undefined ||
    a.namespace === b.namespace
  );
}

/**
 * Catalog filter for every entity that may name a service (filter sets are OR-ed; selectors and
 * Roadie's labels are parsed by {@link serviceIdentity}).
 *
 * @public
 */
export const CLAIMANT_FILTER: Array<Record<string, symbol | string>> = [
  ...MONITORING_ANNOTATIONS.map(a => ({
    [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
  })),
  {
    [`metadata.annotations.${ANNOTATION_PROMETHEUS_LABELS}`]:
      CATALOG_FILTER_EXISTS,
  },
];

/**
 * Catalog filter for the entities that may name `service`: those naming it directly, and those
 * whose selector or Roadie labels must be parsed to tell.
 *
 * @public
 */
export function claimantFilter(
  service: string,
): Array<Record<string, symbol | string>> {
  return [
    { [`metadata.annotations.${ANNOTATION_KUBERNETES_ID}`]: service },
    { [`metadata.annotations.${ANNOTATION_SERVICE_NAME}`]: service },
    {
      [`metadata.annotations.${ANNOTATION_KUBERNETES_LABEL_SELECTOR}`]:
        CATALOG_FILTER_EXISTS,
    },
    {
      [`metadata.annotations.${ANNOTATION_PROMETHEUS_LABELS}`]:
        CATALOG_FILTER_EXISTS,
    },
  ];
}

/**
 * The fields a claimant lookup needs.
 *
 * @public
 */
export const CLAIMANT_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
];

/**
 * Which origin locations are trusted: exact `type:target` strings, and prefixes (entries ending
 * in `/`, so `url:https://git.example.com/org/` does not admit `.../org-evil/`).
 *
 * @public
 */
export class TrustedLocations {
  private constructor(
    private readonly exact: ReadonlySet<string>,
    private readonly prefixes: readonly string[],
  ) {}

  /**
   * `monitoring.claims.trustedLocations` plus every `catalog.locations` entry of the app config
   * (as the catalog records them: file targets resolved with `resolveFile`, the catalog's own
   * `path.resolve`).
   */
  static fromConfig(
    config: {
      getOptionalStringArray(key: string): string[] | undefined;
      getOptionalConfigArray(
        key: string,
      ): Array<{ getString(key: string): string }> | undefined;
    },
    resolveFile: (target: string) => string,
  ): TrustedLocations {
    const configured =
      config.getOptionalStringArray('monitoring.claims.trustedLocations') ?? [];
    for (const entry of configured) {
      if (!/^[a-z][a-z0-9+.-]*:\S+$/.test(entry)) {
        throw new Error(
          `monitoring.claims.trustedLocations: "${entry.slice(0, 100)}" is not a location such as url:https://git.example.com/org/ or file:/path/catalog.yaml`,
        );
      }
    }
    const fromCatalog = (
      config.getOptionalConfigArray('catalog.locations') ?? []
    ).map(l => {
      const type = l.getString('type');
      const target = l.getString('target');
      return `${type}:${type === 'file' ? resolveFile(target) : target}`;
    });
    return TrustedLocations.of([...configured, ...fromCatalog]);
  }

  /**
   * The trusted locations as one stable text: what a value computed under them (the fleet's
   * snapshot, say) must be keyed by, so a replica configured otherwise does not read it.
   */
  get fingerprint(): string {
    return JSON.stringify([[...this.exact].sort(), [...this.prefixes].sort()]);
  }

  static of(entries: string[]): TrustedLocations {
    return new TrustedLocations(
      new Set(entries.filter(e => !e.endsWith('/'))),
      entries.filter(e => e.endsWith('/')),
    );
  }

  /** Whether an entity was registered from a trusted location. */
  trusts(entity: AnnotatedEntity): boolean {
    const origin = entity.metadata.annotations?.[ANNOTATION_ORIGIN_LOCATION];
    if (!origin) return false;
    if (this.exact.has(origin)) return true;
    // A prefix admits only what lies below it: no dot segment may climb out of it.
    if (/(^|[/\\])(\.|%2e){1,2}([/\\?#]|$)/i.test(origin)) return false;
    return this.prefixes.some(p => origin.startsWith(p));
  }
}

/**
 * The claimants among `entities` (with their refs) of services overlapping `identity`, or of every
 * service when `identity` is undefined.
 *
 * @public
 */
export function toClaimants<E extends AnnotatedEntity>(
  entities: E[],
  refOf: (entity: E) => string,
  trusted: TrustedLocations,
): ServiceClaimant[] {
  return entities.flatMap(e => {
    const identity = serviceIdentity(e);
    return identity
      ? [{ ref: refOf(e), identity, trusted: trusted.trusts(e) }]
      : [];
  });
}

/**
 * The owners of the series `identity` selects, by the claim rules above: the overlapping
 * claimants from trusted locations, else every overlapping claimant.
 *
 * @public
 */
export function owningClaimants(
  claimants: ServiceClaimant[],
  identity: ServiceIdentity,
): ServiceClaimant[] {
  const overlapping = claimants.filter(c => overlaps(c.identity, identity));
  const trusted = overlapping.filter(c => c.trusted);
  return trusted.length > 0 ? trusted : overlapping;
}

/**
 * What the claim rules say about one entity: whether it is one of the service's owners, and how
 * many other entities claim or own the service. Refs are never included: other claimants may be
 * entities the caller cannot see.
 *
 * @public
 */
export interface EntityClaim {
  service: string;
  namespace?: string;
  /** This entity is one of the service's owners (its permissions govern the service). */
  owner: boolean;
  /** This entity comes from a trusted location. */
  trusted: boolean;
  /** Other owners: acting on the service also needs the permission on each of them. */
  otherOwners: number;
  /** Other entities naming an overlapping service that the claim rules ignore. */
  ignoredClaimants: number;
  /**
   * This entity is the only owner of the service in every namespace, so alerts of the service
   * that carry no `namespace` label are its own.
   */
  soleOwner: boolean;
}

/**
 * The claim of `selfRef` on `identity` among `claimants` (which may or may not include it).
 *
 * @public
 */
export function entityClaim(
  selfRef: string,
  selfTrusted: boolean,
  identity: ServiceIdentity,
  claimants: ServiceClaimant[],
): EntityClaim {
  const others = claimants.filter(
    c => c.ref !== selfRef && overlaps(c.identity, identity),
  );
  const all = [...others, { ref: selfRef, identity, trusted: selfTrusted }];
  const owners = owningClaimants(all, identity);
  const owner = owners.some(c => c.ref === selfRef);
  const otherOwners = owners.filter(c => c.ref !== selfRef).length;
  const serviceWide = owningClaimants(
    [
      ...claimants.filter(c => c.ref !== selfRef),
      { ref: selfRef, identity, trusted: selfTrusted },
    ],
    { service: identity.service },
  );
  return {
    service: identity.service,
    ...(identity.namespace !== undefined
      ? { namespace: identity.namespace }
      : {}),
    owner,
    trusted: selfTrusted,
    otherOwners,
    ignoredClaimants: others.length - otherOwners,
    soleOwner: serviceWide.length === 1 && serviceWide[0].ref === selfRef,
  };
}

/**
 * The entities whose permission is needed to act on `selfRef`'s service besides `selfRef`
 * itself: the owners other than it. An entity that is not an owner thereby gains nothing.
 *
 * @public
 */
export function refsToAuthorize(
  selfRef: string,
  selfTrusted: boolean,
  identity: ServiceIdentity,
  claimants: ServiceClaimant[],
): string[] {
  const all = [
    ...claimants.filter(c => c.ref !== selfRef),
    { ref: selfRef, identity, trusted: selfTrusted },
  ];
  return owningClaimants(all, identity)
    .map(c => c.ref)
    .filter(ref => ref !== selfRef);
}

/**
 * Splits permission requests into calls of at most AUTHORIZE_CHUNK (200) and joins the answers
 * in order.
 *
 * @public
 */
export async function authorizeInChunks<R, D>(
  requests: R[],
  authorize: (chunk: R[]) => Promise<D[]>,
): Promise<D[]> {
  const chunks: R[][] = [];
  for (let i = 0; i < requests.length; i += AUTHORIZE_CHUNK)
    chunks.push(requests.slice(i, i + AUTHORIZE_CHUNK));
  return (await Promise.all(chunks.map(c => authorize(c)))).flat();
}
