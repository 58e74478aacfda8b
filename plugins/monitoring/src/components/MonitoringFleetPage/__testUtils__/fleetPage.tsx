import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  FleetFilters,
  FleetResponse,
  FleetRow,
} from '@hubspoke/backstage-plugin-monitoring-common';
import { fireEvent, screen } from '@testing-library/react';
import { monitoringApiRef } from '../../../api';
import { fleetResponse } from '../../../testing/fleetFixtures';
import { stackResponse } from '../../../testing/stackFixtures';
import { MonitoringFleetPage } from '../MonitoringFleetPage';

/** The defaults every request carries: worst health first, the first page of 50. */
export const FIRST_PAGE = {
  sort: 'health',
  order: 'asc',
  page: 0,
  pageSize: 50,
};

/**
 * A fake backend over `rows` (in their order: sorting is the backend's): the search, the
 * system, My services (rows of `owners`), the page (a page past the end answers the last).
 */
export function serve(
  filters: FleetFilters,
  rows: FleetRow[] = fleetResponse().rows,
  owners: string[] = ['team-shop'],
): FleetResponse {
  const base = fleetResponse();
  const q = filters.q?.toLowerCase();
  const matching = rows.filter(
    r =>
      (!q ||
        [r.name, r.title ?? '', r.service, r.owner ?? ''].some(v =>
          v.toLowerCase().includes(q),
        )) &&
      (!filters.system || r.system === filters.system),
  );
  const owned = matching.filter(r => owners.includes(r.owner ?? ''));
  const shown = filters.mine ? owned : matching;
  const pageSize = filters.pageSize ?? 50;
  const last = Math.max(0, Math.ceil(shown.length / pageSize) - 1);
  const page = Math.min(filters.page ?? 0, last);
  return {
    ...base,
    environments: filters.environment
      ? [filters.environment]
      : base.environments,
    total: shown.length,
    owned: owned.length,
    page,
    pageSize,
    rows: shown.slice(page * pageSize, (page + 1) * pageSize),
  };
}

export async function renderPage(
  answer: (filters: FleetFilters) => Promise<FleetResponse> = async f =>
    serve(f),
) {
  const api = {
    getFleet: jest.fn(async (filters: FleetFilters = {}) => answer(filters)),
    getStack: jest.fn(async () => stackResponse()),
  };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <MonitoringFleetPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return {
    ...api,
    requests: () => api.getFleet.mock.calls.map(c => c[0]),
    lastRequest: () => api.getFleet.mock.calls.at(-1)?.[0],
  };
}

export const table = () =>
  screen.findByRole('table', { name: 'Services by environment' });

/** The table's body rows (by selector: role queries are slow over hundreds of cells). */
export const bodyRows = () =>
  Array.from(
    screen
      .getByRole('table', { name: 'Services by environment' })
      .querySelectorAll('tbody tr'),
  );

/** The services' names in the table's order. */
export const names = () =>
  bodyRows().map(r => r.querySelector('td a')?.textContent);

/** Picks `option` in the select labelled `label`. */
export function choose(label: RegExp, option: string) {
  fireEvent.mouseDown(screen.getByRole('button', { name: label }));
  fireEvent.click(screen.getByRole('option', { name: option }));
}

export const loading = () =>
  screen.queryByRole('progressbar', { name: 'Loading services' });
