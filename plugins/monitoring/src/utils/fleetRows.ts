import {
  FLEET_PAGE_SIZE,
  FleetFilters,
  FleetRow,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** The fleet's order: worst health first (the backend's default), or by the worst budget. */
export type FleetSort =
  { by: 'health' } | { by: 'budget'; direction: 'asc' | 'desc' };

/** The next order when the budget column's header is clicked: lowest, highest, back to health. */
export function nextBudgetSort(sort: FleetSort): FleetSort {
  if (sort.by === 'health') return { by: 'budget', direction: 'asc' };
  if (sort.direction === 'asc') return { by: 'budget', direction: 'desc' };
  return { by: 'health' };
}

/** The order an answer's rows are in: the one its filters asked for. */
export function fleetSortOf(filters: FleetFilters | undefined): FleetSort {
  return filters?.sort === 'budget'
    ? { by: 'budget', direction: filters.order ?? 'asc' }
    : { by: 'health' };
}

/** How the rows are ordered, in words. */
export function fleetSortLabel(sort: FleetSort): string {
  if (sort.by === 'health') return 'worst health first';
  return sort.direction === 'asc'
    ? 'lowest budget first'
    : 'highest budget first';
}

/** The worst (lowest) budget left over `environments`; null when none has objectives. */
export function worstBudget(
  row: FleetRow,
  environments: string[],
): number | null {
  let worst: number | null = null;
  for (const e of environments) {
    const b = row.cells[e]?.budgetRemaining;
    if (typeof b === 'number' && !isNaN(b) && (worst === null || b < worst)) {
      worst = b;
    }
  }
  return worst;
}

/** What the services table shows: its filters, order and page, sent to the backend as they are. */
export interface FleetQuery {
  /** Searched by the backend in the name, title, service and owner ('' for any). */
  q: string;
  /** One system, or all when empty. */
  system: string;
  /** One environment's column, or all when empty. */
  environment: string;
  /** Only the services the signed-in user's groups own. */
  mine: boolean;
  sort: FleetSort;
  /** 0-based. */
  page: number;
  pageSize: number;
}

/** The first request: "My services", worst health first, the first page. */
export const INITIAL_FLEET_QUERY: FleetQuery = {
  q: '',
  system: '',
  environment: '',
  mine: true,
  sort: { by: 'health' },
  page: 0,
  pageSize: FLEET_PAGE_SIZE.default,
};

/** The `GET /fleet` filters of the table's state (empty filters left out). */
export function fleetFilters(query: FleetQuery): FleetFilters {
  const filters: FleetFilters = {};
  if (query.q) filters.q = query.q;
  if (query.system) filters.system = query.system;
  if (query.environment) filters.environment = query.environment;
  if (query.mine) filters.mine = true;
  filters.sort = query.sort.by;
  // `health` ascending is worst first.
  filters.order = query.sort.by === 'budget' ? query.sort.direction : 'asc';
  filters.page = query.page;
  filters.pageSize = query.pageSize;
  return filters;
}

/**
 * The query after `change`: the same object when nothing changed (no new request), and back to
 * the first page when anything but the page changed.
 */
export function changeFleetQuery(
  query: FleetQuery,
  change: Partial<FleetQuery>,
): FleetQuery {
  const next = { ...query, ...change };
  if (JSON.stringify(next) === JSON.stringify(query)) return query;
  const pageOnly = Object.keys(change).every(
    key =>
      key === 'page' ||
      JSON.stringify(next[key as keyof FleetQuery]) ===
        JSON.stringify(query[key as keyof FleetQuery]),
  );
  return pageOnly ? next : { ...next, page: 0 };
}

/** Whether the filters narrow the fleet (a search, a system, an environment or My services). */
export function isFiltered(filters: FleetFilters | undefined): boolean {
  return !!(
    filters &&
    (filters.q || filters.system || filters.environment || filters.mine)
  );
}
