import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { EntityAlertsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import {
  firingResponse,
  instance,
  noRulesResponse,
  quietResponse,
} from '../../testing/alertsFixtures';
import { EntityMonitoringAlertsCard } from './EntityMonitoringAlertsCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'payments', namespace: 'default', annotations },
  spec: {},
});
const payments = entity({ 'backstage.io/kubernetes-id': 'payments' });

async function renderCard(
  e: Entity,
  result: () => Promise<EntityAlertsResponse>,
) {
  const api = { getEntityAlerts: jest.fn(result) };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={e}>
        <EntityMonitoringAlertsCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

describe('EntityMonitoringAlertsCard', () => {
  it('shows the firing alerts with their environment, since when, and runbooks', async () => {
    const api = await renderCard(payments, async () => firingResponse());
    expect(
      await screen.findByText('ServiceHighErrorRatio'),
    ).toBeInTheDocument();
    expect(screen.getByText('ServiceHighLatencyP95')).toBeInTheDocument();
    const counts = screen.getByLabelText('Alert rules by state');
    expect(within(counts).getByText('firing · 2')).toBeInTheDocument();
    expect(screen.getAllByText('firing · production, 12 min')).toHaveLength(2);
    expect(
      screen
        .getAllByText('Runbook')
        .map(a => a.closest('a')!.getAttribute('href')),
    ).toEqual([
      'https://runbooks.example.com/monitoring/ServiceHighErrorRatio',
      'https://runbooks.example.com/monitoring/ServiceHighLatencyP95',
    ]);
    expect(api.getEntityAlerts).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it('marks a silenced alert', async () => {
    const r = firingResponse();
    r.rules[0].instances = [
      instance({
        alertmanager: {
          state: 'suppressed',
          silencedBy: ['s1'],
          inhibitedBy: [],
        },
      }),
    ];
    await renderCard(payments, async () => r);
    expect(
      await screen.findByText('firing · production, 12 min · silenced'),
    ).toBeInTheDocument();
  });

  it('says "all quiet" when rules exist and none is active', async () => {
    await renderCard(payments, async () => quietResponse());
    expect(
      await screen.findByText(/All quiet: none of the 2 alert rules/),
    ).toBeInTheDocument();
  });

  it('says so when no rule selects the service, which is not "all quiet"', async () => {
    await renderCard(payments, async () => noRulesResponse());
    expect(
      await screen.findByText(
        'No alert rules select this service ("checkout").',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/All quiet/)).not.toBeInTheDocument();
  });

  it('notes that the silence state is unknown while Alertmanager is down', async () => {
    await renderCard(payments, async () =>
      firingResponse({ alertmanager: 'unavailable' }),
    );
    expect(
      await screen.findByText(
        'Alertmanager did not answer: silence state unknown.',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('ServiceHighErrorRatio')).toBeInTheDocument();
  });

  it('shows an error panel when the backend fails', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message: 'vmalert is unreachable',
        },
      }),
      {
        status: 503,
        headers: { 'content-type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response as any);
    await renderCard(payments, async () => {
      throw error;
    });
    expect(
      (await screen.findAllByText(/vmalert is unreachable/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByText('ServiceHighErrorRatio')).not.toBeInTheDocument();
  });

  it('shows the missing-annotation state without calling the backend', async () => {
    const api = await renderCard(entity({}), async () => firingResponse());
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(api.getEntityAlerts).not.toHaveBeenCalled();
  });
});
