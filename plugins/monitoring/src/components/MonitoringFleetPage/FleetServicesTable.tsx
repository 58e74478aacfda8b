import { EmptyState } from '@backstage/core-components';
import { FleetResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { useEffect, useMemo, useState } from 'react';
import { useMonitoringTabPath } from '../../hooks/useMonitoringTabPath';
import {
  filterFleetRows,
  fleetSortLabel,
  FleetSort,
  fleetSystems,
  nextBudgetSort,
  ownerRef,
  sortFleetRows,
} from '../../utils/fleetRows';
import { FLEET_PAGE_SIZE, FleetTable } from './FleetTable';
import { FleetToolbar, FleetToolbarFilters } from './FleetToolbar';

/** The services table: filters, one row per service, one column per environment, paginated. */
export function FleetServicesTable(props: {
  response: FleetResponse;
  ownershipRefs: string[];
}) {
  const { response, ownershipRefs } = props;
  const entityPath = useMonitoringTabPath();
  const owned = useMemo(
    () => response.rows.filter(r => ownershipRefs.includes(ownerRef(r) ?? '')),
    [response.rows, ownershipRefs],
  );
  // "My services" starts on when the signed-in user's groups own monitored services.
  const [filters, setFilters] = useState<FleetToolbarFilters>(() => ({
    text: '',
    system: '',
    environment: '',
    mine: owned.length > 0,
  }));
  const { text, system, environment, mine } = filters;
  const [sort, setSort] = useState<FleetSort>({ by: 'health' });
  const [page, setPage] = useState(0);
  useEffect(() => setPage(0), [mine, text, system, environment, sort]);

  const systems = useMemo(() => fleetSystems(response.rows), [response.rows]);
  const environments = useMemo(
    () => (environment ? [environment] : response.environments),
    [environment, response.environments],
  );
  const rows = useMemo(
    () =>
      sortFleetRows(
        filterFleetRows(mine ? owned : response.rows, { system, text }),
        environments,
        sort,
      ),
    [mine, owned, response.rows, system, text, environments, sort],
  );
  // Clamped here too: the reset above lands one render after a filter change.
  const shownPage = Math.min(
    page,
    Math.max(0, Math.ceil(rows.length / FLEET_PAGE_SIZE) - 1),
  );

  return (
    <>
      <FleetToolbar
        response={response}
        systems={systems}
        filters={filters}
        onChange={change => setFilters(f => ({ ...f, ...change }))}
        ownedCount={owned.length}
        matchCount={rows.length}
        order={fleetSortLabel(sort)}
      />
      {rows.length === 0 ? (
        <EmptyState
          missing="data"
          title="No service matches"
          description="Change the filters, or turn off My services."
        />
      ) : (
        <FleetTable
          rows={rows}
          environments={environments}
          alerts={response.alerts}
          entityPath={entityPath}
          page={shownPage}
          onPageChange={setPage}
          sort={sort}
          onSortByBudget={() => setSort(nextBudgetSort)}
        />
      )}
    </>
  );
}
