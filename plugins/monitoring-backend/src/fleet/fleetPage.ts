/**
 * One caller's page of the fleet, from the entries it may be shown: the columns, the filters,
 * the order and the page. Pure, so the same for every replica.
 */
import {
  FLEET_HEALTH_ORDER,
  FLEET_PAGE_SIZE,
  FleetFilters,
  FleetHealth,
  FleetResponse,
  FleetRow,
  ownerEntityRef,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { FleetEntry } from './fleetSnapshot';
import { textMatches } from './fleetRows';

/** The caller-specific part of `GET /fleet`'s answer. */
export type FleetPage = Pick<
  FleetResponse,
  'environments' | 'total' | 'owned' | 'systems' | 'page' | 'pageSize' | 'rows'
>;

const rank = (h: FleetHealth) => FLEET_HEALTH_ORDER.indexOf(h);

/** The worst health over `columns`. */
function healthOver(row: FleetRow, columns: string[]): FleetHealth {
  let worst: FleetHealth = 'no-data';
  for (const c of columns) {
    const h = row.cells[c]?.health ?? 'no-data';
    if (rank(h) < rank(worst)) worst = h;
  }
  return worst;
}

/** The lowest budget left over `columns`; null without objectives there. */
function budgetOver(row: FleetRow, columns: string[]): number | null {
  let worst: number | null = null;
  for (const c of columns) {
    const b = row.cells[c]?.budgetRemaining;
    if (typeof b === 'number' && (worst === null || b < worst)) worst = b;
  }
  return worst;
}

/** The row with only `columns`' cells, its health over them. */
function project(row: FleetRow, columns: string[], health: FleetHealth) {
  const cells: FleetRow['cells'] = {};
  for (const c of columns) if (row.cells[c]) cells[c] = row.cells[c];
  return { ...row, cells, health };
}

/**
 * `entries` in name order, as the snapshot keeps them, or - `inHealthOrder` - already in the
 * default order (worst health over every column first), which needs no sort.
 */
export function fleetPage(
  entries: FleetEntry[],
  configuredEnvironments: string[],
  filters: FleetFilters,
  ownershipRefs: string[],
  inHealthOrder = false,
): FleetPage {
  // Columns: the configured environments and the others of the services the caller may see.
  const extra = new Set<string>();
  for (const e of entries)
    for (const env of e.extraEnvironments ?? []) extra.add(env);
  const environments = filters.environment
    ? [filters.environment]
    : [...configuredEnvironments, ...[...extra].sort()];
  const systems = [
    ...new Set(entries.map(e => e.row.system).filter((s): s is string => !!s)),
  ].sort();

  const ownerFilter =
    filters.owner !== undefined
      ? ownerEntityRef(filters.owner, 'default')
      : undefined;
  const q = filters.q?.trim();
  const mineRefs = new Set(ownershipRefs);
  const matching: Array<{
    entry: FleetEntry;
    health: FleetHealth;
  }> = [];
  let owned = 0;
  for (const entry of entries) {
    const { row } = entry;
    if (ownerFilter && entry.ownerRef !== ownerFilter) continue;
    if (filters.system && row.system !== filters.system) continue;
    if (filters.lifecycle && row.lifecycle !== filters.lifecycle) continue;
    if (q && !textMatches(row, q)) continue;
    const health = healthOver(row, environments);
    if (filters.health && health !== filters.health) continue;
    const mine = entry.ownerRef !== undefined && mineRefs.has(entry.ownerRef);
    if (mine) owned++;
    if (filters.mine && !mine) continue;
    matching.push({ entry, health });
  }

  // `entries` come in name order and Array.prototype.sort is stable: sorting by the key alone
  // keeps names in order within equal keys.
  const sort = filters.sort ?? 'health';
  const desc = filters.order === 'desc';
  if (sort === 'budget') {
    const keyed = matching.map(m => ({
      ...m,
      budget: budgetOver(m.entry.row, environments),
    }));
    // Services without objectives last in either order.
    keyed.sort((a, b) => {
      if (a.budget === null || b.budget === null)
        return (a.budget === null ? 1 : 0) - (b.budget === null ? 1 : 0);
      return desc ? b.budget - a.budget : a.budget - b.budget;
    });
    matching.splice(0, matching.length, ...keyed);
  } else if (sort === 'name') {
    if (desc) matching.reverse();
  } else if (!(inHealthOrder && !desc && !filters.environment)) {
    matching.sort((a, b) =>
      desc ? rank(b.health) - rank(a.health) : rank(a.health) - rank(b.health),
    );
  }

  const pageSize = Math.min(
    filters.pageSize ?? FLEET_PAGE_SIZE.default,
    FLEET_PAGE_SIZE.max,
  );
  const lastPage = Math.max(0, Math.ceil(matching.length / pageSize) - 1);
  const page = Math.min(filters.page ?? 0, lastPage);
  return {
    environments,
    total: matching.length,
    owned,
    systems,
    page,
    pageSize,
    rows: matching
      .slice(page * pageSize, (page + 1) * pageSize)
      .map(m => project(m.entry.row, environments, m.health)),
  };
}
