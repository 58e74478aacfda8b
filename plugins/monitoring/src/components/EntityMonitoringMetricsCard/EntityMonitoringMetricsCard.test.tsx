import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  emptyResponse,
  fullResponse,
  partialResponse,
} from '../../testing/metricsFixtures';
import { EntityMonitoringMetricsCard } from './EntityMonitoringMetricsCard';

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout', namespace: 'default', annotations },
    spec: {},
  };
}

const monitored = entity({ 'backstage.io/kubernetes-id': 'checkout' });

async function renderCard(
  e: Entity,
  result: () => Promise<EntityMetricsResponse>,
  options: { mountTab?: boolean } = {},
) {
  const api = { getEntityMetrics: jest.fn(result) };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={e}>
        <EntityMonitoringMetricsCard />
      </EntityProvider>
    </TestApiProvider>,
    options.mountTab
      ? {
          // The test app mounts routes flat; in an app the tab sits under the entity route.
          mountedRoutes: {
            '/catalog/default/component/checkout/monitoring': rootRouteRef,
          },
          routeEntries: ['/catalog/default/component/checkout'],
        }
      : undefined,
  );
  return api;
}

describe('EntityMonitoringMetricsCard', () => {
  it('shows the latest request rate, error ratio and p95 per environment over the last hour', async () => {
    const api = await renderCard(monitored, async () => fullResponse());

    const table = await screen.findByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual(['Environment', 'Request rate', 'Error ratio', 'p95 latency']);
    const production = within(table)
      .getAllByRole('row')
      .find(
        r => within(r).queryAllByRole('cell')[0]?.textContent === 'production',
      )!;
    expect(
      within(production)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['production', '123 req/s', '20.0%', '612 ms']);
    const [, range] = api.getEntityMetrics.mock.calls[0] as any;
    expect(range.to.getTime() - range.from.getTime()).toBe(3_600_000);
  });

  it('links to the Monitoring tab of the entity when the app mounts it', async () => {
    await renderCard(monitored, async () => fullResponse(), { mountTab: true });
    await screen.findByRole('table');
    expect(
      screen.getByRole('link', { name: /view monitoring/i }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout/monitoring');
  });

  it('shows no link rather than a broken one when the tab is not mounted', async () => {
    await renderCard(monitored, async () => fullResponse());
    await screen.findByRole('table');
    expect(
      screen.queryByRole('link', { name: /view monitoring/i }),
    ).not.toBeInTheDocument();
  });

  it('names the panels that failed', async () => {
    await renderCard(monitored, async () =>
      partialResponse('errorRatio', 'boom'),
    );
    await screen.findByRole('table');
    expect(screen.getByText('Unavailable: Error ratio')).toBeInTheDocument();
  });

  it('says when nothing matched the service', async () => {
    await renderCard(monitored, async () => emptyResponse());
    expect(
      await screen.findByText(
        /No series matched service "checkout" in any environment/,
      ),
    ).toBeInTheDocument();
  });

  it('shows the error panel when the request fails', async () => {
    await renderCard(monitored, () =>
      Promise.reject(new Error('backend down')),
    );
    expect(
      await screen.findByText(/Could not load metrics/),
    ).toBeInTheDocument();
    expect(screen.getByText('backend down')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the missing-annotation state without calling the API', async () => {
    const api = await renderCard(entity({}), async () => fullResponse());
    expect(screen.getByText(/missing annotation/i)).toBeInTheDocument();
    expect(api.getEntityMetrics).not.toHaveBeenCalled();
  });
});
