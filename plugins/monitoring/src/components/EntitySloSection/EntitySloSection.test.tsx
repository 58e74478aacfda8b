import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntitySloResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { monitoringApiRef } from '../../api';
import {
  availability,
  checkoutSlo,
  environmentStatus,
  paymentsSlo,
  sloResponse,
} from '../../testing/sloFixtures';
import { EntitySloSection } from './EntitySloSection';

const SLO_ANNOTATIONS = { 'monitoring/slo-availability': '99.9' };

const entity = (
  name: string,
  annotations: Record<string, string> = SLO_ANNOTATIONS,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': name, ...annotations },
  },
  spec: {},
});

async function renderSection(
  e: Entity,
  result: () => Promise<EntitySloResponse>,
  refreshedAt?: Date,
) {
  const api = { getEntitySlo: jest.fn(result) };
  const rendered = await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={e}>
        <EntitySloSection refreshedAt={refreshedAt} />
      </EntityProvider>
    </TestApiProvider>,
  );
  return { api, ...rendered };
}

const budgetOf = (label: string) => screen.getByRole('group', { name: label });

describe('EntitySloSection', () => {
  it('shows one budget per namespace when the service runs in several in one environment', async () => {
    await renderSection(entity('cart'), async () =>
      sloResponse([
        availability([
          environmentStatus({ namespace: 'shop', budgetRemaining: 0.72 }),
          environmentStatus({ namespace: 'shop-eu', budgetRemaining: -0.5 }),
        ]),
      ]),
    );
    const shop = await screen.findByRole('group', {
      name: 'cart availability production shop budget',
    });
    const eu = screen.getByRole('group', {
      name: 'cart availability production shop-eu budget',
    });
    expect(shop.getAttribute('data-budget-health')).toBe('ok');
    expect(eu.getAttribute('data-budget-health')).toBe('exhausted');
  });

  it('shows an exhausted budget, the firing page alert and the windows above their thresholds', async () => {
    const { api, container } = await renderSection(
      entity('payments'),
      async () => paymentsSlo(),
    );
    const production = await screen.findByRole('group', {
      name: 'payments availability production budget',
    });
    expect(api.getEntitySlo).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
    expect(production).toHaveAttribute('data-budget-health', 'exhausted');
    const p = within(production);
    expect(p.getByText('Budget remaining')).toBeInTheDocument();
    expect(p.getByTestId('slo-budget-percent')).toHaveTextContent(/^-1,920 %$/);
    expect(p.getByTestId('slo-budget-percent').parentElement).toHaveTextContent(
      '-1,920 % · exhausted',
    );
    expect(p.getByText('97.98 % · target 99.9 %')).toBeInTheDocument();
    expect(p.getByText('exhausted')).toBeInTheDocument(); // time to exhaustion
    expect(p.getByText('firing · page')).toBeInTheDocument();
    expect(p.getByTestId('alert-chip-firing')).toHaveTextContent(
      'firing · page',
    );
    expect(p.getByText('pending · ticket')).toBeInTheDocument();

    const table = p.getByRole('table', {
      name: 'payments availability production burn rates',
    });
    const marked = (severity: string) =>
      [...table.querySelectorAll(`td[data-exceeds="${severity}"]`)].map(
        c => c.getAttribute('aria-label')!.split(' ')[0],
      );
    // 5m 60x, 30m 45x, 1h 30x, 6h 22x exceed their page pairs (14.4x, 6x); 2h 25x, 1d 20x
    // and 3d 20.2x only belong to ticket pairs.
    expect(marked('page')).toEqual(['5m', '30m', '1h', '6h']);
    expect(marked('ticket')).toEqual(['2h', '1d', '3d']);
    expect(
      p.getByLabelText('1h burn rate 30.0x, above the page threshold 14.4x'),
    ).toHaveTextContent('30.0x');
    expect(within(table).getByText('6x page, 1x ticket')).toBeInTheDocument();

    expect(
      p.getByRole('img', {
        name: 'payments availability production budget over the last 30d',
      }),
    ).toBeInTheDocument();
    // The budget line and the zero line.
    expect(
      container.querySelectorAll('path.recharts-line-curve').length,
    ).toBeGreaterThan(0);
    expect(production.querySelector('.recharts-reference-line')).not.toBeNull();
  });

  it('names objectives with their targets and shows their warnings', async () => {
    await renderSection(entity('payments'), async () => paymentsSlo());
    expect(await screen.findByText('Availability')).toBeInTheDocument();
    expect(screen.getByText('Latency under 500 ms')).toBeInTheDocument();
    expect(
      screen.getByText('Target 99 % over 30d · budget 432 min of full outage'),
    ).toBeInTheDocument();
    expect(
      screen
        .getByText(/0.5 s is not a bucket boundary/)
        .closest('[role="alert"]'),
    ).not.toBeNull();
    const latency = budgetOf('payments latency production budget');
    expect(latency).toHaveAttribute('data-budget-health', 'warning');
    expect(latency).toHaveTextContent('30 % · 130 min left of 432 min');
    expect(latency).toHaveTextContent('in 11 days');
  });

  it('shows a healthy budget with minutes left, nothing marked, and an idle environment', async () => {
    await renderSection(entity('checkout'), async () => checkoutSlo());
    const production = await screen.findByRole('group', {
      name: 'checkout availability production budget',
    });
    expect(production).toHaveAttribute('data-budget-health', 'ok');
    expect(production).toHaveTextContent('72 % · 31.1 min left of 43.2 min');
    expect(production).toHaveTextContent('99.97 % · target 99.9 %');
    expect(production).toHaveTextContent('in 72 days');
    expect(production).not.toHaveTextContent('exhausted');
    expect(
      production.querySelectorAll(
        'td[data-exceeds="page"], td[data-exceeds="ticket"]',
      ),
    ).toHaveLength(0);
    expect(within(production).queryByTestId(/alert-chip/)).toBeNull();
    const staging = budgetOf('checkout availability staging budget');
    expect(staging).toHaveTextContent('not burning');
    expect(staging).toHaveTextContent('100 % · 43.2 min left of 43.2 min');
  });

  it('says when vmalert did not answer', async () => {
    const r = checkoutSlo();
    r.objectives[0].environments[0].alerts = null;
    await renderSection(entity('checkout'), async () => r);
    expect(
      await screen.findByText(
        'burn-rate alerts unknown (vmalert did not answer)',
      ),
    ).toBeInTheDocument();
  });

  it('shows the empty state when the backend reports no objective', async () => {
    await renderSection(entity('checkout'), async () => sloResponse([]));
    expect(
      await screen.findByText('No service level objectives'),
    ).toBeInTheDocument();
    expect(screen.getByText(/template to set them/).textContent).toMatch(
      /^Run the Monitor a service template to set them, or annotate the entity with monitoring\/slo-availability, monitoring\/slo-latency and monitoring\/slo-latency-threshold/,
    );
  });

  it('shows the empty state without asking the backend when the entity declares no objective', async () => {
    const { api } = await renderSection(entity('checkout', {}), async () =>
      checkoutSlo(),
    );
    expect(
      await screen.findByText('No service level objectives'),
    ).toBeInTheDocument();
    expect(api.getEntitySlo).not.toHaveBeenCalled();
  });

  it('shows progress while loading', async () => {
    await renderSection(entity('payments'), () => new Promise(() => {}));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('group')).toBeNull();
  });

  it('shows the error panel when the backend fails', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'bad slo-latency-threshold' },
          request: { method: 'GET', url: '/slo' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    await renderSection(entity('payments'), async () => {
      throw error;
    });
    expect(
      await screen.findByText(
        'Error: Could not load the service level objectives',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/bad slo-latency-threshold/).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('group')).toBeNull();
  });

  it('reads the objectives again on a new refresh time', async () => {
    const api = { getEntitySlo: jest.fn(async () => checkoutSlo()) };
    const Harness = () => {
      const [refreshedAt, setRefreshedAt] = useState<Date>();
      return (
        <>
          <button onClick={() => setRefreshedAt(new Date())}>Refresh</button>
          <EntitySloSection refreshedAt={refreshedAt} />
        </>
      );
    };
    await renderInTestApp(
      <TestApiProvider apis={[[monitoringApiRef, api]]}>
        <EntityProvider entity={entity('checkout')}>
          <Harness />
        </EntityProvider>
      </TestApiProvider>,
    );
    await screen.findByRole('group', {
      name: 'checkout availability production budget',
    });
    expect(api.getEntitySlo).toHaveBeenCalledTimes(1);
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(api.getEntitySlo).toHaveBeenCalledTimes(2));
  });
});
