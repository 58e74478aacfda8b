import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { isError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  FLEET_HEALTH_ORDER,
  FleetFilters,
  ownerEntityRef,
  FleetHealth,
  FleetResponse,
  FleetRow,
  MONITORING_ANNOTATIONS,
  monitoringMetricsReadPermission,
  authorizeInChunks,
  CLAIMANT_FILTER,
  entityClaim,
  refsToAuthorize,
  ServiceClaimant,
  serviceIdentity,
  ServiceIdentity,
  toClaimants,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertSnapshots } from '../alerts/AlertSnapshots';
import { CLAIMS_TTL_MS } from '../claims/ServiceClaims';
import { HealthThresholds } from '../config';
import { CachedRead } from '../lib/cachedRead';
import { SharedLoad } from '../lib/sharedLoad';
import { FleetDataSource, FleetSample } from './fleetData';
import { firingIndex, fleetRow, textMatches } from './fleetRows';

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'spec.owner',
  'spec.system',
  'spec.lifecycle',
];

/** Every entity that names a service through one of the monitoring annotations. */
const MONITORED_FILTER = MONITORING_ANNOTATIONS.map(a => ({
  [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
}));

/**
 * The fleet view: every monitored entity the caller may see and read, by environment. The
 * numbers come from {@link FleetDataSource} (a fixed set of grouped queries); the catalog is
 * read once with the caller's credentials (rows) and once with the plugin's (every claimant of
 * every service), and `monitoring.metrics.read` is asked for all of them in one batch, so a
 * service's numbers show only when the caller may read every entity that names it.
 */
export class FleetService {
  constructor(
    private readonly data: FleetDataSource,
    private readonly alerts: AlertSnapshots,
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
    private readonly permissions: PermissionsService,
    private readonly environments: string[],
    private readonly thresholds: HealthThresholds,
    private readonly logger: LoggerService,
    cache: CacheService,
    private readonly trusted: TrustedLocations = TrustedLocations.of([]),
  ) {
    this.claimantReads = new CachedRead(cache, CLAIMS_TTL_MS);
  }

  private readonly claimantReads: CachedRead<ServiceClaimant[]>;
  private readonly sharedResponses = new SharedLoad<FleetResponse>();

  /**
   * Identical requests in flight (same principal, same filters) share one answer: the
   * per-caller part (catalog read, permission checks, rows) is most of a request's work.
   */
  getFleet(
    credentials: BackstageCredentials,
    filters: FleetFilters,
  ): Promise<FleetResponse> {
    const principal = credentials.principal as {
      type?: string;
      userEntityRef?: string;
      subject?: string;
    };
    const who = principal.userEntityRef ?? principal.subject;
    if (!who) return this.load(credentials, filters);
    return this.sharedResponses.run(
      () => this.load(credentials, filters),
      JSON.stringify([principal.type, who, filters]),
    );
  }

  private async load(
    credentials: BackstageCredentials,
    filters: FleetFilters,
  ): Promise<FleetResponse> {
    const [visible, claimants, data, snapshot] = await Promise.all([
      this.catalog.getEntities(
        { filter: MONITORED_FILTER, fields: FIELDS },
        { credentials },
      ),
      this.allClaimants(),
      this.data.get(),
      this.alerts.get().catch(e => {
        this.logger.warn(
          `monitoring: fleet alert counts unavailable: ${isError(e) ? e.message : 'error'}`,
        );
        return undefined;
      }),
    ]);
    const decisions = await authorizeInChunks(
      claimants.map(c => ({
        permission: monitoringMetricsReadPermission,
        resourceRef: c.ref,
      })),
      chunk => this.permissions.authorize(chunk, { credentials }),
    );
    const readable = new Set(
      claimants
        .filter((_, i) => decisions[i]?.result === AuthorizeResult.ALLOW)
        .map(c => c.ref),
    );
    const claimantsOf = new Map<string, typeof claimants>();
    for (const c of claimants) {
      const list = claimantsOf.get(c.identity.service);
      if (list) list.push(c);
      else claimantsOf.set(c.identity.service, [c]);
    }
    // The claim rules: the entity's service also needs its other owners to be readable.
    const ownersReadable = (
      entity: Entity,
      ref: string,
      identity: ServiceIdentity,
    ) =>
      refsToAuthorize(
        ref,
        this.trusted.trusts(entity),
        identity,
        claimantsOf.get(identity.service) ?? [],
      ).every(r => readable.has(r));

    // Environment columns come only from services the caller may see.
    const visibleServices = new Set(
      visible.items
        .map(e => serviceIdentity(e)?.service)
        .filter((x): x is string => x !== undefined),
    );
    const byService = new Map<string, FleetSample[]>();
    for (const sample of data.samples) {
      const list = byService.get(sample.service);
      if (list) list.push(sample);
      else byService.set(sample.service, [sample]);
    }
    const environments = this.columns(
      data.samples.filter(x => visibleServices.has(x.service)),
      filters.environment,
    );
    const ownerFilter =
      filters.owner && ownerEntityRef(filters.owner, 'default');
    const firing = firingIndex(snapshot);
    const rows: FleetRow[] = [];
    for (const entity of visible.items) {
      const ref = stringifyEntityRef(entity);
      const identity = serviceIdentity(entity);
      if (
        !identity ||
        !readable.has(ref) ||
        !ownersReadable(entity, ref, identity)
      )
        continue;
      const row = fleetRow(
        entity,
        ref,
        identity,
        byService.get(identity.service) ?? [],
        firing,
        environments,
        this.thresholds,
        // As on the entity's tab: alerts without a namespace count for the sole owner only.
        entityClaim(
          ref,
          this.trusted.trusts(entity),
          identity,
          claimantsOf.get(identity.service) ?? [],
        ).soleOwner,
      );
      if (
        ownerFilter &&
        (!row.owner ||
          ownerEntityRef(row.owner, entity.metadata.namespace ?? 'default') !==
            ownerFilter)
      )
        continue;
      if (filters.system && row.system !== filters.system) continue;
      if (filters.lifecycle && row.lifecycle !== filters.lifecycle) continue;
      if (filters.q && !textMatches(row, filters.q)) continue;
      rows.push(row);
    }
    const rank = (h: FleetHealth) => FLEET_HEALTH_ORDER.indexOf(h);
    rows.sort(
      (a, b) => rank(a.health) - rank(b.health) || a.name.localeCompare(b.name),
    );
    return {
      source: data.source,
      environments,
      alerts: snapshot ? 'ok' : 'unavailable',
      generatedAt: data.generatedAt,
      thresholds: this.thresholds,
      rows,
    };
  }

  /**
   * Every entity that names a service, read with the plugin's credentials: the same for every
   * caller, so shared for as long as the entity routes reuse a claim (CLAIMS_TTL_MS).
   */
  private allClaimants(): Promise<ServiceClaimant[]> {
    return this.claimantReads.get('fleet:claimants:v2', async () => {
      const { items } = await this.catalog.getEntities(
        { filter: CLAIMANT_FILTER, fields: FIELDS },
        { credentials: await this.auth.getOwnServiceCredentials() },
      );
      return toClaimants(items, stringifyEntityRef, this.trusted);
    });
  }

  private columns(samples: FleetSample[], only?: string): string[] {
    if (only) return [only];
    const extra = [...new Set(samples.map(s => s.environment))]
      .filter(e => !this.environments.includes(e))
      .sort();
    return [...this.environments, ...extra];
  }
}
