import { parseEntityRef } from '@backstage/catalog-model';
import {
  FleetRow,
  ownerEntityRef,
} from '@hubspoke/backstage-plugin-monitoring-common';

/** The row's owner as an entity ref, in the row's own namespace (as the catalog reads it). */
export const ownerRef = (row: FleetRow) =>
  row.owner
    ? ownerEntityRef(row.owner, parseEntityRef(row.entityRef).namespace)
    : undefined;

/** The systems of the rows, each once, sorted. */
export const fleetSystems = (rows: FleetRow[]): string[] =>
  [...new Set(rows.map(r => r.system).filter((s): s is string => !!s))].sort();

/** The rows in `system` (any when empty) with `text` in their name, title, service or owner. */
export function filterFleetRows(
  rows: FleetRow[],
  filters: { system: string; text: string },
): FleetRow[] {
  const { system, text } = filters;
  const q = text.trim().toLowerCase();
  return rows.filter(
    r =>
      (!system || r.system === system) &&
      (!q ||
        [r.name, r.title ?? '', r.service, r.owner ?? ''].some(v =>
          v.toLowerCase().includes(q),
        )),
  );
}

/** The fleet's order: the backend's (worst health first), or by the worst budget. */
export type FleetSort =
  { by: 'health' } | { by: 'budget'; direction: 'asc' | 'desc' };

/** The next order when the budget column's header is clicked: lowest, highest, back to health. */
export function nextBudgetSort(sort: FleetSort): FleetSort {
  if (sort.by === 'health') return { by: 'budget', direction: 'asc' };
  if (sort.direction === 'asc') return { by: 'budget', direction: 'desc' };
  return { by: 'health' };
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

/**
 * The rows in `sort`'s order: by their worst budget over `environments`, services without
 * objectives last either way; ties (and the health order) keep the backend's order.
 */
export function sortFleetRows(
  rows: FleetRow[],
  environments: string[],
  sort: FleetSort,
): FleetRow[] {
  if (sort.by === 'health') return rows;
  const sign = sort.direction === 'asc' ? 1 : -1;
  return rows
    .map((row, index) => ({
      row,
      index,
      budget: worstBudget(row, environments),
    }))
    .sort((a, b) => {
      if (a.budget === null || b.budget === null) {
        if (a.budget === b.budget) return a.index - b.index;
        return a.budget === null ? 1 : -1;
      }
      return sign * (a.budget - b.budget) || a.index - b.index;
    })
    .map(r => r.row);
}
