import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { FleetResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import { fleetResponse, fleetRow } from '../../testing/fleetFixtures';
import { stackResponse } from '../../testing/stackFixtures';
import { FLEET_PAGE_SIZE } from './FleetTable';
import { MonitoringFleetPage } from './MonitoringFleetPage';

async function renderPage(
  response: FleetResponse,
  ownership = ['user:default/guest', 'group:default/team-shop'],
) {
  const api = {
    getFleet: jest.fn(async () => response),
    getStack: jest.fn(async () => stackResponse()),
  };
  const identity = {
    getBackstageIdentity: async () => ({
      type: 'user' as const,
      userEntityRef: 'user:default/guest',
      ownershipEntityRefs: ownership,
    }),
    getProfileInfo: async () => ({}),
    getCredentials: async () => ({}),
    signOut: async () => {},
  };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [monitoringApiRef, api],
        [identityApiRef, identity],
      ]}
    >
      <MonitoringFleetPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

const bodyRows = () =>
  within(screen.getByRole('table', { name: 'Services by environment' }))
    .getAllByRole('row')
    .slice(1);

/** The services' names in the table's order. */
const names = () =>
  bodyRows().map(
    r => within(r).getAllByRole('cell')[0].querySelector('a')!.textContent,
  );

describe('MonitoringFleetPage', () => {
  it("lists the user's services worst first, with health per environment, linked to their Monitoring tab", async () => {
    await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    // My services is on by default (team-shop owns three of the four).
    expect(screen.getByLabelText('My services (3)')).toBeChecked();
    expect(
      bodyRows().map(
        r => within(r).getAllByRole('cell')[0].querySelector('a')!.textContent,
      ),
    ).toEqual(['payments', 'checkout', 'storefront']);
    const production = screen.getByLabelText(
      'payments in production: critical',
    );
    expect(production).toHaveTextContent('critical · 2 firing');
    expect(production).toHaveTextContent('25.0 req/s · 20.0%p95 2.25 s');
    expect(screen.getByText('payments').closest('a')).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/monitoring',
    );
    expect(screen.getAllByText('no data')).toHaveLength(1);
  });

  it('filters by text, system and environment, and shows everyone with My services off', async () => {
    await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    fireEvent.click(screen.getByLabelText('My services (3)'));
    expect(bodyRows()).toHaveLength(4);
    fireEvent.change(screen.getByLabelText('Search services'), {
      target: { value: 'INVEN' },
    });
    expect(bodyRows()).toHaveLength(1);
    fireEvent.change(screen.getByLabelText('Search services'), {
      target: { value: 'nothing like it' },
    });
    expect(screen.getByText('No service matches')).toBeInTheDocument();
  });

  it("shows each environment's error budget, coloured, and the worst one per service", async () => {
    await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    fireEvent.click(screen.getByLabelText('My services (3)'));
    const production = screen.getByLabelText(
      'payments in production: critical',
    );
    expect(production).toHaveTextContent('budget -1,920 %');
    expect(within(production).getByText('budget -1,920 %')).toHaveAttribute(
      'data-budget-health',
      'exhausted',
    );
    expect(
      screen.getByRole('cell', { name: 'payments: worst budget' }),
    ).toHaveTextContent(/^-1,920 %$/);
    expect(
      screen.getByRole('cell', { name: 'storefront: worst budget' }),
    ).toHaveTextContent(/^5\.0 %$/);
    const checkout = screen.getByRole('cell', {
      name: 'checkout: worst budget',
    });
    expect(checkout).toHaveTextContent(/^72 %$/);
    expect(within(checkout).getByText('72 %')).toHaveAttribute(
      'data-budget-health',
      'ok',
    );
    // No objectives: a dash, in the column and in every environment.
    expect(
      screen.getByRole('cell', { name: 'inventory: worst budget' }),
    ).toHaveTextContent(/^–$/);
    expect(
      screen.getByLabelText('inventory in production: ok'),
    ).toHaveTextContent('budget –');
  });

  it('sorts by the worst budget, lowest or highest first with the services without objectives last, then back to health', async () => {
    await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    fireEvent.click(screen.getByLabelText('My services (3)'));
    expect(names()).toEqual([
      'payments',
      'checkout',
      'inventory',
      'storefront',
    ]);
    const header = () => screen.getByRole('columnheader', { name: /Budget/ });
    expect(header()).not.toHaveAttribute('aria-sort');

    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    expect(names()).toEqual([
      'payments',
      'storefront',
      'checkout',
      'inventory',
    ]);
    expect(header()).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByText(/lowest budget first/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    expect(names()).toEqual([
      'checkout',
      'storefront',
      'payments',
      'inventory',
    ]);
    expect(header()).toHaveAttribute('aria-sort', 'descending');
    expect(screen.getByText(/highest budget first/)).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    expect(names()).toEqual([
      'payments',
      'checkout',
      'inventory',
      'storefront',
    ]);
    expect(screen.getByText(/worst health first/)).toBeInTheDocument();
  });

  it('sorts by the budget of the environment shown, and keeps My services and the search', async () => {
    await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    // My services: team-shop's three.
    expect(names()).toEqual(['payments', 'storefront', 'checkout']);

    fireEvent.mouseDown(screen.getByRole('button', { name: /Environment/ }));
    fireEvent.click(screen.getByRole('option', { name: 'staging' }));
    // In staging payments declares no objective: it goes last.
    expect(names()).toEqual(['storefront', 'checkout', 'payments']);
    expect(
      screen.getByRole('cell', { name: 'checkout: worst budget' }),
    ).toHaveTextContent(/^90 %$/);

    fireEvent.change(screen.getByLabelText('Search services'), {
      target: { value: 'CHECK' },
    });
    expect(names()).toEqual(['checkout']);
  });

  it('pages 5,000 services instead of rendering them all', async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      fleetRow(`svc-${String(i).padStart(4, '0')}`),
    );
    await renderPage(fleetResponse(many), []);
    await screen.findByRole('table', { name: 'Services by environment' });
    expect(screen.getByLabelText('My services (0)')).not.toBeChecked();
    expect(bodyRows()).toHaveLength(FLEET_PAGE_SIZE);
    expect(
      screen.getByText(`1-${FLEET_PAGE_SIZE} of 5004`),
    ).toBeInTheDocument();
  });

  it('says when the alert source is down, and when nothing is monitored', async () => {
    const down = fleetResponse();
    down.alerts = 'unavailable';
    await renderPage(down);
    expect(
      await screen.findByText(/alert source unavailable/),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('payments in production: critical'),
    ).toHaveTextContent('alerts unknown');
  });

  it('shows the empty state without monitored services', async () => {
    await renderPage({ ...fleetResponse(), rows: [] });
    expect(
      await screen.findByText('No monitored services'),
    ).toBeInTheDocument();
  });

  it('has a Stack tab with the spokes, loaded only when opened', async () => {
    const api = await renderPage(fleetResponse());
    await screen.findByRole('table', { name: 'Services by environment' });
    expect(api.getStack).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('tab', { name: 'Stack' }));
    expect(
      await screen.findByLabelText('prod-cluster: ok'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Hub components' }),
    ).toBeInTheDocument();
    expect(api.getStack).toHaveBeenCalledTimes(1);
  });
});
