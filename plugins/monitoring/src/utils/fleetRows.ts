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
