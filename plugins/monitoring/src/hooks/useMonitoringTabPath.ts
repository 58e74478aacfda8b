import { parseEntityRef } from '@backstage/catalog-model';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { FleetRow } from '@hubspoke/backstage-plugin-monitoring-common';

/** The row's Monitoring tab, through the catalog's entity route (wherever the app mounts it). */
export function useMonitoringTabPath(): (row: FleetRow) => string {
  const entityRoute = useRouteRef(entityRouteRef);
  return row => {
    const { kind, namespace, name } = parseEntityRef(row.entityRef);
    const page = entityRoute({ kind: kind.toLowerCase(), namespace, name });
    // Components have the Monitoring tab; other kinds link to their page.
    return kind.toLowerCase() === 'component' ? `${page}/monitoring` : page;
  };
}
