import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import {
  FleetFilters,
  FleetResponse,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { useMemo } from 'react';
import { useMonitoringTabPath } from '../../hooks/useMonitoringTabPath';
import {
  FleetQuery,
  fleetSortLabel,
  fleetSortOf,
  nextBudgetSort,
} from '../../utils/fleetRows';
import { FleetTable } from './FleetTable';
import { FleetToolbar } from './FleetToolbar';

/**
 * The services table: the filters of `query` (the next request), then one page of services
 * (one row each, one column per environment) as the backend answered `answered`, with the
 * order and page of that answer. The last answer stays visible, under a progress bar, while
 * the next loads.
 */
export function FleetServicesTable(props: {
  response: FleetResponse;
  /** The filters `response` answered. */
  answered: FleetFilters | undefined;
  query: FleetQuery;
  /** The search box's text (the request's `q` follows it after a pause). */
  text: string;
  onTextChange(text: string): void;
  onChange(change: Partial<FleetQuery>): void;
  /** Every environment, for the environment filter's choices. */
  environments: string[];
  loading: boolean;
  error?: Error;
}) {
  const {
    response,
    answered,
    query,
    text,
    onTextChange,
    onChange,
    environments,
    loading,
    error,
  } = props;
  const entityPath = useMonitoringTabPath();
  // The header and the caption say the order of the rows shown; a click cycles from the
  // order asked for last (which may still be loading).
  const shownSort = fleetSortOf(answered);
  const environmentChoices = useMemo(
    () =>
      query.environment && !environments.includes(query.environment)
        ? [...environments, query.environment]
        : environments,
    [environments, query.environment],
  );

  let table;
  if (error) {
    table = (
      <ResponseErrorPanel error={error} title="Could not load the fleet" />
    );
  } else if (response.rows.length === 0) {
    table = (
      <EmptyState
        missing="data"
        title="No service matches"
        description="Change the filters, or turn off My services."
      />
    );
  } else {
    table = (
      <FleetTable
        rows={response.rows}
        environments={response.environments}
        alerts={response.alerts}
        entityPath={entityPath}
        total={response.total}
        page={response.page}
        pageSize={response.pageSize}
        onPageChange={page => onChange({ page })}
        onPageSizeChange={pageSize => onChange({ pageSize })}
        sort={shownSort}
        onSortByBudget={() => onChange({ sort: nextBudgetSort(query.sort) })}
      />
    );
  }

  return (
    <>
      <FleetToolbar
        response={response}
        environments={environmentChoices}
        filters={{
          text,
          system: query.system,
          environment: query.environment,
          mine: query.mine,
        }}
        onChange={({ text: newText, ...change }) => {
          if (newText !== undefined) onTextChange(newText);
          if (Object.keys(change).length > 0) onChange(change);
        }}
        order={fleetSortLabel(shownSort)}
      />
      <Box height={4} mb={1}>
        {loading && <LinearProgress aria-label="Loading services" />}
      </Box>
      {table}
    </>
  );
}
