import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { snapshotInfo } from '../../testing/fleetFixtures';
import {
  choose,
  FIRST_PAGE,
  loading,
  names,
  renderPage,
  serve,
  table,
} from './__testUtils__/fleetPage';

describe('MonitoringFleetPage', () => {
  it("asks for the user's services first and lists the answer's rows, with health per environment, linked to their Monitoring tab", async () => {
    const api = await renderPage();
    await table();
    expect(api.requests()).toEqual([{ mine: true, ...FIRST_PAGE }]);
    expect(screen.getByLabelText('My services (3)')).toBeChecked();
    expect(names()).toEqual(['payments', 'checkout', 'storefront']);
    expect(
      screen.getByText(
        /^3 services · worst health first · from recording rules/,
      ),
    ).toBeInTheDocument();
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
    expect(loading()).not.toBeInTheDocument();
  });

  it('says when the snapshot was taken and how old it is, and warns when it is stale', async () => {
    await renderPage(async f => ({
      ...serve(f),
      snapshot: snapshotInfo({
        ageSeconds: 420,
        stale: true,
        warning: 'The fleet could not be refreshed: the catalog did not answer',
      }),
    }));
    await table();
    const takenAt = new Date('2026-12-01T09:00:00Z').toLocaleTimeString();
    expect(
      screen.getByText(`Snapshot ${takenAt} (7 min old)`),
    ).toBeInTheDocument();
    const warning = screen.getByText(/^Stale:/).closest('[role="alert"]');
    expect(warning).toHaveTextContent('Stale: the fleet is 7 min old');
    expect(warning).toHaveTextContent(
      'The fleet could not be refreshed: the catalog did not answer',
    );
  });

  it('has no warning while the snapshot is fresh', async () => {
    await renderPage();
    await table();
    const takenAt = new Date('2026-12-01T09:00:00Z').toLocaleTimeString();
    expect(
      screen.getByText(`Snapshot ${takenAt} (12 s old)`),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Stale/)).not.toBeInTheDocument();
    expect(screen.queryByText(/^Read /)).not.toBeInTheDocument();
  });

  it("shows each environment's error budget, coloured, and the worst one per service", async () => {
    await renderPage(async f => serve(f, undefined, []));
    await table();
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

  it('shows the worst budget over the environment shown only', async () => {
    await renderPage();
    await table();
    choose(/Environment/, 'staging');
    await waitFor(() =>
      expect(
        screen.getByRole('cell', { name: 'checkout: worst budget' }),
      ).toHaveTextContent(/^90 %$/),
    );
    // payments declares no objective in staging.
    expect(
      screen.getByRole('cell', { name: 'payments: worst budget' }),
    ).toHaveTextContent(/^–$/);
  });

  it('says when the alert source is down', async () => {
    await renderPage(async f => ({ ...serve(f), alerts: 'unavailable' }));
    expect(
      await screen.findByText(/alert source unavailable/),
    ).toBeInTheDocument();
    expect(
      screen.getByLabelText('payments in production: critical'),
    ).toHaveTextContent('alerts unknown');
  });

  it('shows the empty state without monitored services', async () => {
    const api = await renderPage(async f => serve(f, []));
    expect(
      await screen.findByText('No monitored services'),
    ).toBeInTheDocument();
    expect(api.requests()).toEqual([
      { mine: true, ...FIRST_PAGE },
      { ...FIRST_PAGE },
    ]);
  });

  it('has a Stack tab with the spokes, loaded only when opened', async () => {
    const api = await renderPage();
    await table();
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
