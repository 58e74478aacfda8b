/**
 * The component page's tabs: Backstage's Kubernetes tab beside Monitoring, only for entities with
 * backstage.io/kubernetes-id, and what it renders for a Deployment's pods (the structure the
 * browser test packages/e2e/src/kubernetes-tab.test.mjs finds in the running app).
 */
import { Entity } from '@backstage/catalog-model';
import {
  catalogPlugin,
  DefaultEntityPresentationApi,
} from '@backstage/plugin-catalog';
import {
  catalogApiRef,
  entityPresentationApiRef,
  EntityProvider,
  starredEntitiesApiRef,
  MockStarredEntitiesApi,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  KubernetesApi,
  kubernetesApiRef,
  KubernetesAuthProvidersApi,
  kubernetesAuthProvidersApiRef,
} from '@backstage/plugin-kubernetes';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import {
  MonitoringApi,
  monitoringApiRef,
} from '@hubspoke/backstage-plugin-monitoring';
import { entityPage } from './EntityPage';

const SPOKES = ['dev-cluster', 'staging-cluster', 'prod-cluster'];
// MUI's class names, which carry a counter suffix under nested themes (MuiAccordion-root-505).
const ACCORDION = '[class*="MuiAccordion-root"]';
const SUMMARY = '[class*="MuiAccordionSummary-root"]';
const EXPAND_ICON = '[class*="MuiAccordionSummary-expandIcon"]';

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
  };
}

const payments = component('payments', {
  'backstage.io/kubernetes-id': 'payments',
  'backstage.io/kubernetes-namespace': 'shop',
});

/** What the kubernetes backend answers for payments: a Deployment, its ReplicaSet, 2 pods. */
function clusterObjects(cluster: string) {
  const labels = { 'backstage.io/kubernetes-id': 'payments' };
  const deployment = {
    metadata: {
      name: 'payments',
      namespace: 'shop',
      uid: `${cluster}-d`,
      labels,
    },
    spec: { replicas: 2, selector: { matchLabels: labels } },
    status: { replicas: 2, readyReplicas: 2 },
  };
  const replicaSet = {
    metadata: {
      name: 'payments-7d9c5',
      namespace: 'shop',
      uid: `${cluster}-rs`,
      labels,
      ownerReferences: [
        { kind: 'Deployment', name: 'payments', uid: `${cluster}-d` },
      ],
    },
    // The plugin lists a Deployment's pods through its ReplicaSets that have replicas.
    status: { replicas: 2 },
  };
  const pods = ['x1a2b', 'y3c4d'].map(suffix => ({
    metadata: {
      name: `payments-7d9c5-${suffix}`,
      namespace: 'shop',
      uid: `${cluster}-${suffix}`,
      labels,
      ownerReferences: [
        { kind: 'ReplicaSet', name: 'payments-7d9c5', uid: `${cluster}-rs` },
      ],
    },
    spec: { containers: [{ name: 'payments', image: 'payments:1' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        {
          name: 'payments',
          ready: true,
          restartCount: 0,
          state: { running: {} },
        },
      ],
    },
  }));
  return {
    cluster: { name: cluster },
    podMetrics: [],
    errors: [],
    resources: [
      { type: 'deployments', resources: [deployment] },
      { type: 'replicasets', resources: [replicaSet] },
      { type: 'pods', resources: pods },
    ],
  };
}

const kubernetesApi = {
  getClusters: jest.fn(async () =>
    SPOKES.map(name => ({ name, authProvider: 'serviceAccount' })),
  ),
  // The fixture holds only the fields the tab reads, not whole Kubernetes objects.
  getObjectsByEntity: jest.fn(
    async () =>
      ({ items: SPOKES.map(clusterObjects) }) as unknown as Awaited<
        ReturnType<KubernetesApi['getObjectsByEntity']>
      >,
  ),
};
const kubernetesAuthProvidersApi: Partial<KubernetesAuthProvidersApi> = {
  decorateRequestBodyForAuth: jest.fn(async (_, body) => body),
  getCredentials: jest.fn(async () => ({})),
};

/** One objective, overspent in production: what the SLO card on the overview shows. */
const paymentsSlo: Awaited<ReturnType<MonitoringApi['getEntitySlo']>> = {
  period: '30d',
  periodSeconds: 2_592_000,
  evaluatedAt: '2026-12-01T09:00:00Z',
  objectives: [
    {
      slo: 'availability',
      target: 0.999,
      budgetMinutes: 43.2,
      warnings: [],
      environments: [
        {
          environment: 'production',
          sli: 0.9798,
          errorRatio: 0.0202,
          budgetRemaining: -19.2,
          budgetRemainingMinutes: -829.44,
          burnRates: [],
          timeToExhaustionSeconds: 0,
          alerts: [
            {
              alertname: 'ServiceSLOErrorBudgetBurnPage',
              severity: 'page',
              state: 'firing',
            },
          ],
          history: [],
        },
      ],
    },
  ],
  burnRateAlerts: [],
};

// The overview's monitoring cards; only the SLO card's answer matters here.
const never = () => new Promise<never>(() => {});
const monitoringApi: Partial<MonitoringApi> & {
  getEntitySlo: jest.Mock;
} = {
  getEntityMetrics: never,
  getEntityAlerts: never,
  getEntityClaims: async () => ({ claim: null }),
  getEntitySlo: jest.fn(async () => paymentsSlo),
};

async function renderPage(entity: Entity, path: string) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [kubernetesApiRef, kubernetesApi],
        [kubernetesAuthProvidersApiRef, kubernetesAuthProvidersApi],
        [permissionApiRef, mockApis.permission()],
        [monitoringApiRef, monitoringApi],
        [starredEntitiesApiRef, new MockStarredEntitiesApi()],
        [catalogApiRef, catalogApiMock()],
        [entityPresentationApiRef, DefaultEntityPresentationApi.createLocal()],
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(mockApis.config()),
        ],
      ]}
    >
      <EntityProvider entity={entity}>{entityPage}</EntityProvider>
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog': catalogPlugin.routes.catalogIndex },
    },
  );
}

const tabLabels = () =>
  screen.getAllByRole('tab').map(t => t.textContent?.trim().toLowerCase());

describe('the component page', () => {
  it('has the Kubernetes tab right after Monitoring for an entity with backstage.io/kubernetes-id', async () => {
    await renderPage(payments, '/kubernetes');
    const labels = tabLabels();
    expect(labels.slice(labels.indexOf('monitoring'))).toEqual([
      'monitoring',
      'kubernetes',
    ]);
  });

  it('has no Kubernetes tab without the annotation', async () => {
    await renderPage(component('shop-docs', {}), '/');
    expect(tabLabels()).not.toContain('kubernetes');
  });

  it('shows the SLO card on the overview of a monitored service', async () => {
    await renderPage(
      component('payments', {
        'backstage.io/kubernetes-id': 'payments',
        'monitoring/slo-availability': '99.9',
      }),
      '/',
    );
    const budget = await screen.findByRole('group', {
      name: 'payments availability production budget',
    });
    expect(budget.textContent).toContain('Budget remaining');
    expect(budget.textContent).toContain('-1,920 % · exhausted');
    expect(within(budget).getByText('firing · page')).toBeTruthy();
    expect(monitoringApi.getEntitySlo).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'payments',
    });
  });

  it("lists the Deployment's pods per cluster on the Kubernetes tab", async () => {
    await renderPage(payments, '/kubernetes');
    await screen.findByText('Your Clusters');
    for (const cluster of SPOKES) {
      const name = await screen.findByText(cluster);
      // The accordion whose summary names the cluster (the e2e test's selectors).
      const accordion = name.closest(ACCORDION) as HTMLElement;
      const summary = accordion.querySelector(
        `:scope > ${SUMMARY}`,
      ) as HTMLElement;
      expect(summary.textContent).toMatch(/(^|\D)2 pods/);
      fireEvent.click(summary);
      const deploymentName = await within(accordion).findByText('payments');
      const deployment = deploymentName.closest(ACCORDION) as HTMLElement;
      expect(deployment).not.toBe(accordion);
      expect(within(deployment).getByText('Deployment')).toBeTruthy();
      fireEvent.click(
        deployment.querySelector(
          `:scope > ${SUMMARY} ${EXPAND_ICON}`,
        ) as HTMLElement,
      );
      const table = await waitFor(() => {
        const t = deployment.querySelector('table');
        expect(t).not.toBeNull();
        return t as HTMLTableElement;
      });
      const headings = [...table.querySelectorAll('thead th')].map(th =>
        th.textContent?.trim().toLowerCase(),
      );
      const rows = [...table.querySelectorAll('tbody tr')].map(tr =>
        Object.fromEntries(
          [...tr.querySelectorAll('td')].map((td, i) => [
            headings[i],
            td.textContent?.trim(),
          ]),
        ),
      );
      expect(rows).toEqual([
        expect.objectContaining({
          name: 'payments-7d9c5-x1a2b',
          phase: 'Running',
        }),
        expect.objectContaining({
          name: 'payments-7d9c5-y3c4d',
          phase: 'Running',
        }),
      ]);
      fireEvent.click(summary);
    }
  });
});
