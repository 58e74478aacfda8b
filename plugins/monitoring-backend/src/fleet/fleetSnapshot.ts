/**
 * The fleet's snapshot: every monitored entity's row over every environment, computed in the
 * background for everyone (the numbers, the firing alerts, the claim rules), and what the
 * permission conditions read of each entity, so a request only filters, sorts and pages.
 */
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  entityClaim,
  FLEET_HEALTH_ORDER,
  FleetRow,
  FleetSource,
  MONITORING_ANNOTATIONS,
  ownerEntityRef,
  refsToAuthorize,
  ServiceClaimant,
  serviceIdentity,
  toClaimants,
  TrustedLocations,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { AlertSnapshot } from '../alerts/AlertSnapshots';
import { HealthThresholds } from '../config';
import { FleetData, FleetSample } from './fleetData';
import { firingIndex, fleetRow } from './fleetRows';

/** What the snapshot's entity read asks the catalog for (the permission rules read these). */
export const SNAPSHOT_ENTITY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.annotations',
  'metadata.labels',
  'spec.owner',
  'spec.system',
  'spec.lifecycle',
  'spec.type',
  'relations',
];

/** One monitored entity's row, and what a caller needs to be shown it. */
export interface FleetEntry {
  /** Cells over every column of the snapshot. */
  row: FleetRow;
  /**
   * The refs whose `monitoring.metrics.read` the caller needs: the entity and its service's
   * other owners (the claim rules).
   */
  requires: string[];
  /** The owner as an entity ref, in the entity's namespace. */
  ownerRef?: string;
  /** Environments of its samples that are not configured ones (extra columns). */
  extraEnvironments?: string[];
}

export interface FleetSnapshotValue {
  source: FleetSource;
  /** ISO-8601: the instant the numbers are for. */
  generatedAt: string;
  alerts: 'ok' | 'unavailable';
  /** The configured environments, in their order. */
  environments: string[];
  /** In name order (then entity ref). */
  entries: FleetEntry[];
  /**
   * Indexes into `entries`, worst health (over every column) first, then by name: the page's
   * default order, sorted once here rather than per request.
   */
  healthOrder: number[];
  /**
   * Every claimant entity, reduced to what the catalog's permission rules read (kind, metadata,
   * a few spec fields, ownedBy relations), by ref.
   */
  entities: Record<string, Entity>;
}

/** The entity without what no permission rule of the fleet reads, to keep the snapshot small. */
function reduced(entity: Entity): Entity {
  return {
    ...entity,
    relations: entity.relations?.filter(r => r.type === RELATION_OWNED_BY),
  };
}

export function buildFleetSnapshot(options: {
  data: FleetData;
  alerts: AlertSnapshot | undefined;
  /** Every entity that names a service (CLAIMANT_FILTER), read with the plugin's credentials. */
  claimantEntities: Entity[];
  trusted: TrustedLocations;
  environments: string[];
  thresholds: HealthThresholds;
}): FleetSnapshotValue {
  const { data, alerts, claimantEntities, trusted, environments, thresholds } =
    options;
  const claimants = toClaimants(claimantEntities, stringifyEntityRef, trusted);
  const claimantsOf = new Map<string, ServiceClaimant[]>();
  for (const c of claimants) {
    const list = claimantsOf.get(c.identity.service);
    if (list) list.push(c);
    else claimantsOf.set(c.identity.service, [c]);
  }
  const byService = new Map<string, FleetSample[]>();
  for (const sample of data.samples) {
    const list = byService.get(sample.service);
    if (list) list.push(sample);
    else byService.set(sample.service, [sample]);
  }
  const configured = new Set(environments);
  const columns = [
    ...environments,
    ...[...new Set(data.samples.map(s => s.environment))]
      .filter(e => !configured.has(e))
      .sort(),
  ];
  const firing = firingIndex(alerts);

  const entries: FleetEntry[] = [];
  const entities: Record<string, Entity> = {};
  for (const entity of claimantEntities) {
    const ref = stringifyEntityRef(entity);
    entities[ref] = reduced(entity);
    const annotations = entity.metadata.annotations ?? {};
    const identity = serviceIdentity(entity);
    // Rows are the entities that name a service through a monitoring annotation.
    if (!identity || !MONITORING_ANNOTATIONS.some(a => a in annotations))
      continue;
    const selfTrusted = trusted.trusts(entity);
    const others = claimantsOf.get(identity.service) ?? [];
    const samples = byService.get(identity.service) ?? [];
    const row = fleetRow(
      entity,
      ref,
      identity,
      samples,
      firing,
      columns,
      thresholds,
      // As on the entity's tab: alerts without a namespace count for the sole owner only.
      entityClaim(ref, selfTrusted, identity, others).soleOwner,
    );
    const extra = [
      ...new Set(
        samples
          .filter(
            s =>
              identity.namespace === undefined ||
              s.namespace === identity.namespace,
          )
          .map(s => s.environment)
          .filter(e => !configured.has(e)),
      ),
    ];
    entries.push({
      row,
      requires: [ref, ...refsToAuthorize(ref, selfTrusted, identity, others)],
      ...(row.owner
        ? {
            ownerRef: ownerEntityRef(
              row.owner,
              entity.metadata.namespace ?? 'default',
            ),
          }
        : {}),
      ...(extra.length ? { extraEnvironments: extra } : {}),
    });
  }
  // In name order once here, so a request sorts by its key alone (a stable sort keeps this
  // order within equal keys) instead of comparing names, the costly part of sorting 5,000 rows.
  const collator = new Intl.Collator('en');
  entries.sort(
    (a, b) =>
      collator.compare(a.row.name, b.row.name) ||
      collator.compare(a.row.entityRef, b.row.entityRef),
  );
  const rank = (i: number) => FLEET_HEALTH_ORDER.indexOf(entries[i].row.health);
  const healthOrder = entries
    .map((_, i) => i)
    .sort((a, b) => rank(a) - rank(b));
  return {
    source: data.source,
    generatedAt: data.generatedAt,
    alerts: alerts ? 'ok' : 'unavailable',
    environments,
    entries,
    healthOrder,
    entities,
  };
}
