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
  alertLabelsMatchScope,
  AlertScope,
  FLEET_HEALTH_ORDER,
  FleetFilters,
  ownerEntityRef,
  FleetCell,
  FleetHealth,
  FleetResponse,
  FleetRow,
  LABELS,
  MONITORING_ANNOTATIONS,
  monitoringMetricsReadPermission,
  resolveAlertScope,
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
import { AlertSnapshot, AlertSnapshots } from '../alerts/AlertSnapshots';
import { HealthThresholds } from '../config';
import { CachedRead } from '../cachedRead';
import { CLAIMS_TTL_MS } from '../service/ServiceClaims';
import { SharedLoad } from '../sharedLoad';
import { FleetDataSource, FleetSample, SPARKLINE_POINTS } from './fleetData';

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

export function classify(
  cell: Pick<FleetCell, 'requestRate' | 'errorRatio' | 'latencyP95'>,
  t: HealthThresholds,
): FleetHealth {
  if (cell.requestRate === null) return 'no-data';
  const e = cell.errorRatio ?? 0;
  const p = cell.latencyP95 ?? 0;
  if (e >= t.errorRatio.critical || p >= t.latencyP95Seconds.critical)
    return 'critical';
  if (e >= t.errorRatio.warning || p >= t.latencyP95Seconds.warning)
    return 'warning';
  return 'ok';
}

const worst = (healths: FleetHealth[]): FleetHealth =>
  FLEET_HEALTH_ORDER.find(h => healths.includes(h)) ?? 'no-data';

/** The samples of one identity in one environment, summed over namespaces when it names none. */
function cellOf(
  samples: FleetSample[],
  t: HealthThresholds,
  firing: number | null,
): FleetCell {
  if (samples.length === 0) {
    // No requests at all while alerts fire (the service is down): that is the worst, not "no data".
    const health: FleetHealth = firing ? 'critical' : 'no-data';
    return {
      health,
      requestRate: null,
      errorRatio: null,
      latencyP95: null,
      firingAlerts: firing,
      sparkline: Array(SPARKLINE_POINTS).fill(null),
    };
  }
  if (samples.length === 1) {
    // The common case (one namespace): no summing.
    const [s] = samples;
    const cell: FleetCell = {
      health: 'no-data',
      requestRate: s.requestRate,
      errorRatio: s.requestRate > 0 ? s.errorRate / s.requestRate : 0,
      latencyP95: s.latencyP95,
      firingAlerts: firing,
      sparkline: s.sparkline,
    };
    cell.health = classify(cell, t);
    return cell;
  }
  const requestRate = samples.reduce((s, x) => s + x.requestRate, 0);
  const errorRate = samples.reduce((s, x) => s + x.errorRate, 0);
  // A quantile cannot be added up: over several namespaces the worst one stands for all.
  const latencies = samples
    .map(x => x.latencyP95)
    .filter((v): v is number => v !== null);
  const sparkline = Array.from({ length: SPARKLINE_POINTS }, (_, i) => {
    const values = samples
      .map(x => x.sparkline[i])
      .filter((v): v is number => v !== null);
    return values.length ? values.reduce((a, b) => a + b, 0) : null;
  });
  const cell = {
    requestRate,
    errorRatio: requestRate > 0 ? errorRate / requestRate : 0,
    latencyP95: latencies.length ? Math.max(...latencies) : null,
  };
  return {
    ...cell,
    health: classify(cell, t),
    firingAlerts: firing,
    sparkline,
  };
}

/** Firing alerts by service, indexed once per request. */
function firingIndex(
  snapshot: AlertSnapshot | undefined,
): Map<string, Array<Record<string, string>>> | undefined {
  if (!snapshot) return undefined;
  const index = new Map<string, Array<Record<string, string>>>();
  for (const rule of snapshot.rules) {
    for (const a of rule.alerts) {
      if (a.state !== 'firing') continue;
      const service = a.labels[LABELS.service] ?? '';
      const list = index.get(service);
      if (list) list.push(a.labels);
      else index.set(service, [a.labels]);
    }
  }
  return index;
}

function firingCount(
  index: Map<string, Array<Record<string, string>>> | undefined,
  scope: AlertScope | undefined,
  environment: string,
): number | null {
  // Unknown when the alert source or the entity's alert annotations cannot say.
  if (!index || !scope?.service) return null;
  return (index.get(scope.service) ?? []).filter(
    labels =>
      (labels[LABELS.environment] ?? 'unknown') === environment &&
      alertLabelsMatchScope(scope, labels),
  ).length;
}

const textMatches = (row: FleetRow, q: string) =>
  [row.name, row.title ?? '', row.service].some(v =>
    v.toLowerCase().includes(q.toLowerCase()),
  );

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
      const row = this.row(
        entity,
        ref,
        identity,
        byService.get(identity.service) ?? [],
        firing,
        environments,
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

  private row(
    entity: Entity,
    ref: string,
    identity: ServiceIdentity,
    samples: FleetSample[],
    firing: Map<string, Array<Record<string, string>>> | undefined,
    environments: string[],
    unnamespacedAlerts: boolean,
  ): FleetRow {
    let scope: AlertScope | undefined;
    try {
      scope = {
        ...resolveAlertScope(entity.metadata.annotations),
        unnamespacedAlerts,
      };
    } catch {
      scope = undefined;
    }
    const mine = samples.filter(
      s =>
        identity.namespace === undefined || s.namespace === identity.namespace,
    );
    const cells: Record<string, FleetCell> = {};
    for (const env of environments) {
      cells[env] = cellOf(
        mine.filter(s => s.environment === env),
        this.thresholds,
        firingCount(firing, scope, env),
      );
    }
    const spec = (entity.spec ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return {
      entityRef: ref,
      name: entity.metadata.name,
      title: entity.metadata.title,
      owner: str(spec.owner),
      system: str(spec.system),
      lifecycle: str(spec.lifecycle),
      service: identity.service,
      namespace: identity.namespace,
      health: worst(Object.values(cells).map(c => c.health)),
      cells,
    };
  }
}
