import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import {
  clusterResources,
  spoke,
  stackResponse,
  vmResource,
} from '../../testing/stackFixtures';
import { fleetRouteRef } from '../../routes';
import { isMonitoringClusterAvailable } from '../../utils/isMonitoringAvailable';
import { EntityMonitoringClusterCard } from './EntityMonitoringClusterCard';

const cluster = (
  name: string,
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'kubernetes-cluster', owner: 'team-platform' },
});

async function renderCard(entity: Entity, response = stackResponse()) {
  const api = { getStack: jest.fn(async () => response) };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <EntityProvider entity={entity}>
        <EntityMonitoringClusterCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/monitoring': fleetRouteRef } },
  );
  return api;
}

describe('EntityMonitoringClusterCard', () => {
  it("shows a spoke's verdict and figures, no hub components, and links to the whole stack", async () => {
    await renderCard(cluster('prod-cluster'));
    expect(
      await screen.findByLabelText('prod-cluster: ok'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('spoke · cluster="prod-cluster"'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Active series')).toHaveTextContent('1912');
    expect(
      screen.getByRole('img', { name: 'prod-cluster: samples/s, last hour' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Hub components' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /The whole stack/ }),
    ).toHaveAttribute('href', '/monitoring/stack');
  });

  it("shows the cluster's VictoriaMetrics resources, and only its own", async () => {
    await renderCard(
      cluster('prod-cluster'),
      stackResponse({
        clusters: [
          spoke('prod-cluster', {
            kubernetes: clusterResources({
              resources: [
                vmResource('VMAgent', 'spoke', {
                  generationLag: 1,
                  health: 'progressing',
                }),
              ],
            }),
          }),
          spoke('dev-cluster', {
            kubernetes: clusterResources({
              error: 'cannot reach the Kubernetes API',
            }),
          }),
        ],
      }),
    );
    const table = await screen.findByRole('table', {
      name: 'prod-cluster: VictoriaMetrics resources',
    });
    expect(
      within(table).getByRole('row', {
        name: 'VMAgent monitoring/spoke: progressing',
      }),
    ).toHaveTextContent('gen lag 1');
    expect(
      screen.queryByText('cannot reach the Kubernetes API'),
    ).not.toBeInTheDocument();
  });

  it("shows the cluster's error as a warning row", async () => {
    await renderCard(
      cluster('prod-cluster'),
      stackResponse({
        clusters: [
          spoke('prod-cluster', {
            kubernetes: clusterResources({
              resources: [],
              error: 'the cluster refused the token (401)',
            }),
          }),
        ],
      }),
    );
    expect(
      await screen.findByRole('row', {
        name: 'prod-cluster: resources not read',
      }),
    ).toHaveTextContent('the cluster refused the token (401)');
  });

  it("shows the hub's components on the hub", async () => {
    await renderCard(cluster('hub-cluster'));
    expect(
      await screen.findByRole('table', { name: 'Hub components' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Alertmanager: up')).toBeInTheDocument();
  });

  it('reads the cluster label from monitoring/cluster-name, and says when it has no series', async () => {
    await renderCard(
      cluster('production', { 'monitoring/cluster-name': 'prod-cluster' }),
    );
    expect(
      await screen.findByLabelText('prod-cluster: ok'),
    ).toBeInTheDocument();
  });

  it('says when no vmagent writes with its name', async () => {
    await renderCard(
      cluster('qa-cluster'),
      stackResponse({ clusters: [spoke('dev-cluster')] }),
    );
    expect(
      await screen.findByText('No series from cluster "qa-cluster"'),
    ).toBeInTheDocument();
  });

  it('is available on kubernetes-cluster Resources only', () => {
    expect(isMonitoringClusterAvailable(cluster('x'))).toBe(true);
    expect(
      isMonitoringClusterAvailable({
        ...cluster('x'),
        spec: { type: 'database' },
      }),
    ).toBe(false);
    expect(
      isMonitoringClusterAvailable({ ...cluster('x'), kind: 'Component' }),
    ).toBe(false);
  });
});
