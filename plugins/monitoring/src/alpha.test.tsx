import { Entity } from '@backstage/catalog-model';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { screen, within } from '@testing-library/react';
import monitoringPlugin, {
  monitoringAlertsEntityCard,
  monitoringApi,
  monitoringClusterEntityCard,
  monitoringEntityContent,
  monitoringFleetPage,
  monitoringMetricsEntityCard,
  monitoringSloEntityCard,
} from './alpha';
import { MonitoringClient, monitoringApiRef } from './api';
import { firingResponse, historyResponse } from './testing/alertsFixtures';
import { fullResponse } from './testing/metricsFixtures';
import { paymentsSlo } from './testing/sloFixtures';

const service = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default', annotations },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
});
const monitored = service({ 'backstage.io/kubernetes-id': 'checkout' });
const unmonitored = service({});
const cluster: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'prod-cluster',
    annotations: { 'monitoring/cluster-name': 'prod-cluster' },
  },
  spec: { type: 'kubernetes-cluster', owner: 'platform' },
};

function fakeApi() {
  return {
    getEntityMetrics: jest.fn(async () => fullResponse()),
    getEntityAlerts: jest.fn(async () => firingResponse()),
    getEntityAlertHistory: jest.fn(async () => historyResponse()),
    getEntityClaims: jest.fn(async () => ({ claim: null })),
    getEntitySlo: jest.fn(async () => paymentsSlo()),
  };
}

describe('the new frontend system plugin (/alpha)', () => {
  it('provides the API, the tab, four cards and the fleet page', () => {
    expect(monitoringPlugin.id).toBe('monitoring');
    const expected: Record<string, { kind: string; name?: string }> = {
      'api:monitoring': { kind: 'api' },
      'entity-content:monitoring': { kind: 'entity-content' },
      'entity-card:monitoring/metrics': {
        kind: 'entity-card',
        name: 'metrics',
      },
      'entity-card:monitoring/alerts': { kind: 'entity-card', name: 'alerts' },
      'entity-card:monitoring/slo': { kind: 'entity-card', name: 'slo' },
      'entity-card:monitoring/cluster': {
        kind: 'entity-card',
        name: 'cluster',
      },
      'page:monitoring': { kind: 'page' },
    };
    for (const [id, { kind, name }] of Object.entries(expected)) {
      // The id is what an app's config names the extension by (app.extensions).
      expect(monitoringPlugin.getExtension(id as never)).toMatchObject({
        kind,
        name,
      });
    }
  });

  it('makes a MonitoringClient on discovery and fetch', () => {
    const factory = createExtensionTester(monitoringApi).get(
      ApiBlueprint.dataRefs.factory,
    );
    expect(factory.api).toBe(monitoringApiRef);
    const client = factory.factory({
      discoveryApi: { getBaseUrl: async () => 'http://backend/api/monitoring' },
      fetchApi: { fetch: jest.fn() },
    });
    expect(client).toBeInstanceOf(MonitoringClient);
  });

  it('mounts the tab at monitoring, titled Monitoring, only on monitored entities', async () => {
    const tester = createExtensionTester(monitoringEntityContent);
    expect(tester.get(coreExtensionData.routePath)).toBe('monitoring');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Monitoring',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(monitored)).toBe(true);
    expect(filter(unmonitored)).toBe(false);
  });

  it('renders the tab with the metrics of each environment', async () => {
    const api = fakeApi();
    const tester = createExtensionTester(monitoringEntityContent);
    await renderInTestApp(
      <EntityProvider entity={monitored}>
        {tester.reactElement()}
      </EntityProvider>,
      {
        apis: [
          [monitoringApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ],
      },
    );
    const table = await screen.findByRole('table', {
      name: 'Latest values by environment',
    });
    const production = within(table)
      .getAllByRole('row')
      .find(
        r => within(r).queryAllByRole('cell')[0]?.textContent === 'production',
      );
    expect(production).toBeDefined();
    expect(within(production!).getByText('123 req/s')).toBeInTheDocument();
    expect(api.getEntityMetrics).toHaveBeenCalledWith(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      expect.anything(),
    );
  });

  it('shows the alerts card with what fires, only where alerts are named', async () => {
    const tester = createExtensionTester(monitoringAlertsEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(filter(monitored)).toBe(true);
    expect(filter(cluster)).toBe(false);

    const api = fakeApi();
    await renderInTestApp(
      <EntityProvider entity={monitored}>
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[monitoringApiRef, api]] },
    );
    const [firing] = firingResponse().rules;
    expect(await screen.findAllByText(firing.name)).not.toHaveLength(0);
    expect(api.getEntityAlerts).toHaveBeenCalled();
  });

  it('shows the SLO card with the budgets, on monitored entities', async () => {
    const tester = createExtensionTester(monitoringSloEntityCard);
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect([filter(monitored), filter(unmonitored), filter(cluster)]).toEqual([
      true,
      false,
      false,
    ]);

    const api = fakeApi();
    await renderInTestApp(
      <EntityProvider
        entity={service({
          'backstage.io/kubernetes-id': 'checkout',
          'monitoring/slo-availability': '99.9',
        })}
      >
        {tester.reactElement()}
      </EntityProvider>,
      { apis: [[monitoringApiRef, api]] },
    );
    expect(
      await screen.findByRole('group', {
        name: 'checkout availability production budget',
      }),
    ).toHaveTextContent('-1,920 % · exhausted');
    expect(api.getEntitySlo).toHaveBeenCalled();
  });

  it('keeps the metrics card to monitored entities and the cluster card to clusters', () => {
    const metrics = createExtensionTester(monitoringMetricsEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    const clusterCard = createExtensionTester(monitoringClusterEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect([metrics(monitored), metrics(cluster)]).toEqual([true, false]);
    expect([clusterCard(cluster), clusterCard(monitored)]).toEqual([
      true,
      false,
    ]);
  });

  it('puts the fleet page at /monitoring with a sidebar title and icon', () => {
    const tester = createExtensionTester(monitoringFleetPage);
    expect(tester.get(coreExtensionData.routePath)).toBe('/monitoring');
    expect(tester.get(coreExtensionData.title)).toBe('Monitoring');
    expect(tester.get(coreExtensionData.icon)).toBeDefined();
  });
});
