import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntitySloResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import { checkoutSlo, paymentsSlo } from '../../testing/sloFixtures';
import { EntityMonitoringSloCard } from './EntityMonitoringSloCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations },
  spec: {},
});
const payments = entity({
  'backstage.io/kubernetes-id': 'payments',
  'monitoring/slo-availability': '99.9',
});

async function renderCard(e: Entity, result: () => Promise<EntitySloResponse>) {
  const api = { getEntitySlo: jest.fn(result) };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={e}>
        <EntityMonitoringSloCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

describe('EntityMonitoringSloCard', () => {
  it('shows each budget with its health, SLI and alerts, without burn-rate tables or charts', async () => {
    const api = await renderCard(payments, async () => paymentsSlo());
    const production = await screen.findByRole('group', {
      name: 'payments availability production budget',
    });
    expect(screen.getByText('Service level objectives')).toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'payments availability objective' }),
    ).toContainElement(production);
    expect(production).toHaveAttribute('data-budget-health', 'exhausted');
    expect(
      within(production).getByText('Budget remaining'),
    ).toBeInTheDocument();
    expect(
      within(production).getByTestId('slo-budget-percent'),
    ).toHaveTextContent(/^-1,920 %$/);
    expect(production).toHaveTextContent('-1,920 % · exhausted');
    expect(within(production).getByText('firing · page')).toBeInTheDocument();
    expect(
      screen.getByRole('group', {
        name: 'payments availability staging budget',
      }),
    ).toHaveTextContent('72 % · 31.1 min left of 43.2 min');
    expect(screen.getByText('Latency under 500 ms')).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByRole('img', { name: /budget over/ })).toBeNull();
    expect(api.getEntitySlo).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('shows a healthy budget', async () => {
    await renderCard(payments, async () => checkoutSlo());
    const production = await screen.findByRole('group', {
      name: 'payments availability production budget',
    });
    expect(production).toHaveAttribute('data-budget-health', 'ok');
    expect(production).toHaveTextContent('in 72 days');
    expect(production).not.toHaveTextContent('exhausted');
  });

  it('says how to declare objectives, without asking the backend, when there are none', async () => {
    const api = await renderCard(
      entity({ 'backstage.io/kubernetes-id': 'payments' }),
      async () => paymentsSlo(),
    );
    expect(
      await screen.findByText('No service level objectives'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Monitor a service/)).toBeInTheDocument();
    expect(api.getEntitySlo).not.toHaveBeenCalled();
  });

  it('shows the error panel when the backend fails', async () => {
    await renderCard(payments, async () => {
      throw new Error('vmselect is unreachable');
    });
    expect(
      (await screen.findAllByText(/vmselect is unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('group')).toBeNull();
  });

  it('shows progress while loading', async () => {
    await renderCard(payments, () => new Promise(() => {}));
    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
  });

  it('shows the missing-annotation state without calling the backend', async () => {
    const api = await renderCard(
      entity({ 'monitoring/slo-availability': '99.9' }),
      async () => paymentsSlo(),
    );
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getEntitySlo).not.toHaveBeenCalled();
  });
});
