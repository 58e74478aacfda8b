import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { fleetResponse, fleetRow } from '../../testing/fleetFixtures';
import {
  bodyRows,
  choose,
  FIRST_PAGE,
  loading,
  names,
  renderPage,
  serve,
  table,
} from './__testUtils__/fleetPage';
import { FLEET_REFRESH_MS } from '../../hooks/useFleet';
import { FLEET_SEARCH_DEBOUNCE_MS } from './FleetServicesTab';

// Each test walks through several requests and renders several pages: slow on a busy machine.
jest.setTimeout(20_000);

describe('FleetServicesTab: the table is the request', () => {
  it("turns My services off with one more request when the user's groups own no monitored service, and back on when asked", async () => {
    const api = await renderPage(async f => serve(f, undefined, []));
    await table();
    expect(api.requests()).toEqual([
      { mine: true, ...FIRST_PAGE },
      { ...FIRST_PAGE },
    ]);
    expect(screen.getByLabelText('My services (0)')).not.toBeChecked();
    expect(names()).toEqual([
      'payments',
      'checkout',
      'inventory',
      'storefront',
    ]);

    fireEvent.click(screen.getByLabelText('My services (0)'));
    expect(await screen.findByText('No service matches')).toBeInTheDocument();
    expect(api.lastRequest()).toEqual({ mine: true, ...FIRST_PAGE });
    expect(api.getFleet).toHaveBeenCalledTimes(3);
  });

  it('asks again every 30 s with the same query, so an open page follows the snapshot', async () => {
    // The page's timer is set when it mounts: fake timers from the start.
    jest.useFakeTimers();
    try {
      const api = await renderPage(async f => serve(f, undefined, []));
      await table();
      const asked = (api.getFleet as jest.Mock).mock.calls.length;
      act(() => {
        jest.advanceTimersByTime(FLEET_REFRESH_MS);
      });
      await waitFor(() =>
        expect(api.getFleet).toHaveBeenCalledTimes(asked + 1),
      );
      expect(api.lastRequest()).toEqual({ ...FIRST_PAGE });
    } finally {
      jest.useRealTimers();
    }
  });

  it('searches on the backend once the typing pauses, and shows what it answers', async () => {
    const api = await renderPage();
    await table();
    const search = screen.getByLabelText('Search services');
    jest.useFakeTimers();
    try {
      // Keystrokes 200 ms apart: not one request per keystroke.
      for (const value of ['I', 'IN', 'INVEN ']) {
        fireEvent.change(search, { target: { value } });
        act(() => {
          jest.advanceTimersByTime(200);
        });
      }
      expect(api.getFleet).toHaveBeenCalledTimes(1);
      act(() => {
        jest.advanceTimersByTime(FLEET_SEARCH_DEBOUNCE_MS - 201);
      });
      expect(api.getFleet).toHaveBeenCalledTimes(1);
      act(() => {
        jest.advanceTimersByTime(1);
      });
      expect(api.getFleet).toHaveBeenCalledTimes(2);
    } finally {
      jest.useRealTimers();
    }
    expect(api.lastRequest()).toEqual({
      q: 'INVEN',
      mine: true,
      ...FIRST_PAGE,
    });
    // inventory is team-platform's: none of the user's matches.
    expect(await screen.findByText('No service matches')).toBeInTheDocument();
    expect(screen.getByLabelText('My services (0)')).toBeChecked();

    fireEvent.click(screen.getByLabelText('My services (0)'));
    await waitFor(() => expect(names()).toEqual(['inventory']));
    expect(api.lastRequest()).toEqual({ q: 'INVEN', ...FIRST_PAGE });
    expect(search).toHaveValue('INVEN ');
    expect(screen.getByText(/^1 service ·/)).toBeInTheDocument();
    expect(api.getFleet).toHaveBeenCalledTimes(3);
  });

  it("filters by a system of the answer's systems and by environment, on the backend", async () => {
    const api = await renderPage(async f => ({
      ...serve(f),
      systems: ['shop', 'warehouse', 'zeta'],
    }));
    await table();
    fireEvent.mouseDown(screen.getByRole('button', { name: /System/ }));
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'All systems',
      'shop',
      'warehouse',
      'zeta',
    ]);
    fireEvent.click(screen.getByRole('option', { name: 'shop' }));
    await waitFor(() =>
      expect(api.lastRequest()).toEqual({
        system: 'shop',
        mine: true,
        ...FIRST_PAGE,
      }),
    );

    choose(/Environment/, 'staging');
    await waitFor(() =>
      expect(api.lastRequest()).toEqual({
        system: 'shop',
        environment: 'staging',
        mine: true,
        ...FIRST_PAGE,
      }),
    );
    // The columns are the answer's; the choices stay every environment.
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Services by environment' }))
          .getAllByRole('columnheader')
          .map(h => h.textContent),
      ).toEqual([
        'Service',
        'Owner',
        'System',
        'Lifecycle',
        'Budget',
        'staging',
      ]),
    );
    fireEvent.mouseDown(screen.getByRole('button', { name: /Environment/ }));
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'All environments',
      'dev',
      'staging',
      'production',
    ]);
  });

  it('sorts by the worst budget on the backend: lowest first, highest first, then back to health; the header and the caption say the order of the rows shown', async () => {
    // The backend's orders of the user's three services.
    const orders: Record<string, string[]> = {
      'budget-asc': ['payments', 'storefront', 'checkout'],
      'budget-desc': ['checkout', 'storefront', 'payments'],
    };
    // The answer for highest first waits for release().
    let release: () => void = () => {};
    const hold = new Promise<void>(resolve => {
      release = resolve;
    });
    const api = await renderPage(async f => {
      if (f.order === 'desc') await hold;
      const answer = serve(f);
      const order = orders[`${f.sort}-${f.order}`];
      return order
        ? {
            ...answer,
            rows: order.map(n => answer.rows.find(r => r.name === n)!),
          }
        : answer;
    });
    await table();
    const header = () => screen.getByRole('columnheader', { name: /Budget/ });
    expect(header()).not.toHaveAttribute('aria-sort');
    expect(names()).toEqual(['payments', 'checkout', 'storefront']);

    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    expect(await screen.findByText(/lowest budget first/)).toBeInTheDocument();
    expect(api.lastRequest()).toEqual({
      mine: true,
      ...FIRST_PAGE,
      sort: 'budget',
      order: 'asc',
    });
    expect(header()).toHaveAttribute('aria-sort', 'ascending');
    expect(names()).toEqual(orders['budget-asc']);

    // While the next order loads, the rows, the header and the caption stay the last answer's.
    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    await waitFor(() =>
      expect(api.lastRequest()).toMatchObject({
        sort: 'budget',
        order: 'desc',
      }),
    );
    expect(loading()).toBeInTheDocument();
    expect(header()).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByText(/lowest budget first/)).toBeInTheDocument();
    await act(async () => release());
    expect(await screen.findByText(/highest budget first/)).toBeInTheDocument();
    expect(header()).toHaveAttribute('aria-sort', 'descending');
    expect(names()).toEqual(orders['budget-desc']);

    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    expect(await screen.findByText(/worst health first/)).toBeInTheDocument();
    expect(api.lastRequest()).toEqual({ mine: true, ...FIRST_PAGE });
    expect(header()).not.toHaveAttribute('aria-sort');
    expect(api.getFleet).toHaveBeenCalledTimes(4);
  });

  it("pages on the backend: the total and the page are the answer's", async () => {
    let rows = fleetResponse(
      Array.from({ length: 5000 }, (_, i) =>
        // Without figures: quick to render.
        fleetRow(`svc-${String(i).padStart(4, '0')}`, {
          owner: 'team-x',
          cells: {},
        }),
      ),
    ).rows;
    const api = await renderPage(async f => serve(f, rows, []));
    await table();
    expect(bodyRows()).toHaveLength(50);
    expect(screen.getByText('1-50 of 5004')).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(names()[0]).toBe('svc-0046'));
    expect(api.lastRequest()).toEqual({ ...FIRST_PAGE, page: 1 });
    expect(screen.getByText('51-100 of 5004')).toBeInTheDocument();

    choose(/Rows per page/, '25');
    await waitFor(() =>
      expect(screen.getByText('1-25 of 5004')).toBeInTheDocument(),
    );
    expect(api.lastRequest()).toEqual({ ...FIRST_PAGE, pageSize: 25 });
    expect(bodyRows()).toHaveLength(25);

    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(screen.getByText('26-50 of 5004')).toBeInTheDocument(),
    );
    // The fleet shrinks: the next page is past the end, the backend answers the last one.
    rows = rows.slice(0, 40);
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(screen.getByText('26-40 of 40')).toBeInTheDocument(),
    );
    expect(api.lastRequest()).toEqual({
      ...FIRST_PAGE,
      pageSize: 25,
      page: 2,
    });
    expect(names()[0]).toBe('svc-0021');

    // A new order starts again from the first page.
    fireEvent.click(screen.getByRole('button', { name: 'Budget' }));
    await waitFor(() =>
      expect(api.lastRequest()).toEqual({
        ...FIRST_PAGE,
        pageSize: 25,
        sort: 'budget',
      }),
    );
  });

  it('keeps the page shown, under a progress bar, while the next one loads', async () => {
    const rows = fleetResponse(
      Array.from({ length: 100 }, (_, i) =>
        fleetRow(`svc-${i}`, { cells: {} }),
      ),
    ).rows;
    const everyone = ['team-shop', 'team-platform'];
    let release: () => void = () => {};
    const api = await renderPage(f =>
      f.page === 1
        ? new Promise(resolve => {
            release = () => resolve(serve(f, rows, everyone));
          })
        : Promise.resolve(serve(f, rows, everyone)),
    );
    await table();
    expect(names()[0]).toBe('payments');
    fireEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(api.lastRequest()).toMatchObject({ page: 1 }));
    expect(loading()).toBeInTheDocument();
    expect(names()[0]).toBe('payments');
    expect(screen.getByText('1-50 of 104')).toBeInTheDocument();

    await act(async () => release());
    await waitFor(() => expect(loading()).not.toBeInTheDocument());
    expect(names()[0]).toBe('svc-46');
    expect(screen.getByText('51-100 of 104')).toBeInTheDocument();
  });

  it('shows a failed request in an error panel and keeps the filters to change', async () => {
    const api = await renderPage(async f => {
      if (f.system === 'warehouse') throw new Error('vmselect timed out');
      return serve(f);
    });
    await table();
    choose(/System/, 'warehouse');
    expect(
      await screen.findByText(/Could not load the fleet/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/vmselect timed out/)[0]).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Services by environment' }),
    ).not.toBeInTheDocument();

    choose(/System/, 'shop');
    await table();
    expect(api.lastRequest()).toMatchObject({ system: 'shop' });
    expect(
      screen.queryByText(/Could not load the fleet/),
    ).not.toBeInTheDocument();
  });
});
