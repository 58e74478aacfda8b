/**
 * Which of the snapshot's rows a caller may be shown: those it may see in the catalog
 * (`catalog.entity.read`) and whose service it may read (`monitoring.metrics.read` on the
 * entity and on its service's other owners).
 *
 * Both are asked once per request with `authorizeConditional`, as the catalog itself filters its
 * lists: a definitive answer applies to every row, and a conditional one is evaluated here on
 * the snapshot's entities with the catalog's own permission rules. Only rules whose inputs the
 * snapshot keeps are evaluated here; a condition with any other rule (or another plugin's)
 * falls back to asking per entity, as before the snapshot (a catalog read with the caller's
 * credentials, and batched `authorize` calls).
 */
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityReadPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
} from '@backstage/plugin-catalog-common/alpha';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  PermissionRule,
} from '@backstage/plugin-permission-node';
import {
  authorizeInChunks,
  MONITORING_ANNOTATIONS,
  monitoringMetricsReadPermission,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { FleetEntry, FleetSnapshotValue } from './fleetSnapshot';

/**
 * The catalog's rules whose inputs the snapshot keeps (kind, annotations, labels, ownedBy),
 * compared as the catalog filters its lists with them (its `toQuery` matches lowercased
 * values): their own `apply` is case-sensitive, which under a `not` would show what the
 * catalog hides. `hasMetadata`/`hasSpec` may name any field, so they fall back.
 */
const lower = (v: string) => v.toLocaleLowerCase('en-US');
const matches = (
  values: Record<string, string> | undefined,
  key: string,
  value?: string,
) =>
  Object.entries(values ?? {}).some(
    ([k, v]) =>
      lower(k) === lower(key) &&
      (value === undefined || lower(v) === lower(value)),
  );
const IN_SNAPSHOT_RULES = [
  {
    ...permissionRules.isEntityKind,
    apply: (entity: Entity, { kinds }: { kinds: string[] }) =>
      kinds.map(lower).includes(lower(entity.kind)),
  },
  {
    ...permissionRules.hasAnnotation,
    apply: (entity: Entity, p: { annotation: string; value?: string }) =>
      matches(entity.metadata.annotations, p.annotation, p.value),
  },
  {
    ...permissionRules.hasLabel,
    apply: (entity: Entity, p: { label: string; value?: string }) =>
      matches(entity.metadata.labels, p.label, p.value),
  },
  {
    ...permissionRules.isEntityOwner,
    apply: (entity: Entity, { claims }: { claims: string[] }) => {
      const wanted = new Set(claims.map(lower));
      return (entity.relations ?? []).some(
        r => r.type === RELATION_OWNED_BY && wanted.has(lower(r.targetRef)),
      );
    },
  },
] as PermissionRule<Entity, unknown, string>[];
const IN_SNAPSHOT_NAMES = new Set(IN_SNAPSHOT_RULES.map(r => r.name));
const applyConditions = createConditionAuthorizer(IN_SNAPSHOT_RULES);

const MONITORED_FILTER = MONITORING_ANNOTATIONS.map(a => ({
  [`metadata.annotations.${a}`]: CATALOG_FILTER_EXISTS,
}));

function rulesIn(criteria: PermissionCriteria<PermissionCondition>): string[] {
  if ('allOf' in criteria) return criteria.allOf.flatMap(rulesIn);
  if ('anyOf' in criteria) return criteria.anyOf.flatMap(rulesIn);
  if ('not' in criteria) return rulesIn(criteria.not);
  return [criteria.rule];
}

/** How a decision applies to the snapshot's entities, or undefined when it cannot here. */
export function decisionOnSnapshot(
  decision: PolicyDecision,
  entities: Record<string, Entity>,
): ((ref: string) => boolean) | undefined {
  if (decision.result === AuthorizeResult.ALLOW) return () => true;
  if (decision.result !== AuthorizeResult.CONDITIONAL) return () => false;
  if (
    decision.pluginId !== 'catalog' ||
    decision.resourceType !== RESOURCE_TYPE_CATALOG_ENTITY ||
    !rulesIn(decision.conditions).every(r => IN_SNAPSHOT_NAMES.has(r))
  )
    return undefined;
  const memo = new Map<string, boolean>();
  return ref => {
    let allowed = memo.get(ref);
    if (allowed === undefined) {
      const entity = entities[ref];
      allowed = entity ? applyConditions(decision, entity) : false;
      memo.set(ref, allowed);
    }
    return allowed;
  };
}

export class FleetAccess {
  constructor(
    private readonly permissions: PermissionsService,
    private readonly catalog: CatalogService,
  ) {}

  /**
   * A filter over the snapshot's entries for this caller. On a stale snapshot (refreshes
   * failing) conditions are not evaluated on its entities, whose owners and labels may have
   * changed since: they are asked live, per entity.
   */
  async forCaller(
    credentials: BackstageCredentials,
    snapshot: FleetSnapshotValue,
    stale = false,
  ): Promise<(entry: FleetEntry) => boolean> {
    const [see, read] = await this.permissions.authorizeConditional(
      [
        { permission: catalogEntityReadPermission },
        { permission: monitoringMetricsReadPermission },
      ],
      { credentials },
    );
    const onSnapshot = (decision: PolicyDecision) =>
      stale && decision.result === AuthorizeResult.CONDITIONAL
        ? undefined
        : decisionOnSnapshot(decision, snapshot.entities);
    const canSee =
      onSnapshot(see) ?? (await this.visibleInCatalog(credentials));
    const canRead =
      onSnapshot(read) ??
      (await this.readableOneByOne(credentials, snapshot, canSee));
    return entry =>
      canSee(entry.row.entityRef) && entry.requires.every(canRead);
  }

  private async visibleInCatalog(
    credentials: BackstageCredentials,
  ): Promise<(ref: string) => boolean> {
    const { items } = await this.catalog.getEntities(
      {
        filter: MONITORED_FILTER,
        fields: ['kind', 'metadata.name', 'metadata.namespace'],
      },
      { credentials },
    );
    const visible = new Set(items.map(e => stringifyEntityRef(e)));
    return ref => visible.has(ref);
  }

  private async readableOneByOne(
    credentials: BackstageCredentials,
    snapshot: FleetSnapshotValue,
    canSee: (ref: string) => boolean,
  ): Promise<(ref: string) => boolean> {
    const refs = [
      ...new Set(
        snapshot.entries
          .filter(e => canSee(e.row.entityRef))
          .flatMap(e => e.requires),
      ),
    ];
    const decisions = await authorizeInChunks(
      refs.map(resourceRef => ({
        permission: monitoringMetricsReadPermission,
        resourceRef,
      })),
      chunk => this.permissions.authorize(chunk, { credentials }),
    );
    const readable = new Set(
      refs.filter((_, i) => decisions[i]?.result === AuthorizeResult.ALLOW),
    );
    return ref => readable.has(ref);
  }
}
