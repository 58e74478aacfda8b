import { renderInTestApp } from '@backstage/test-utils';
import { ClusterResources } from '@hubspoke/backstage-plugin-monitoring-common';
import { screen, within } from '@testing-library/react';
import { clusterResources, vmResource } from '../../testing/stackFixtures';
import { ClusterResourcesTable, formatResourceAge } from './ClusterResources';

async function renderTable(resources?: ClusterResources) {
  await renderInTestApp(
    <ClusterResourcesTable cluster="prod-cluster" resources={resources} />,
  );
}

const table = () =>
  screen.getByRole('table', {
    name: 'prod-cluster: VictoriaMetrics resources',
  });
const rowLabels = () =>
  within(table())
    .getAllByRole('row')
    .slice(1)
    .map(r => r.getAttribute('aria-label'));

describe('ClusterResourcesTable', () => {
  it('shows kind, name, a status chip per health, the reason, the generation lag and the age', async () => {
    await renderTable(
      clusterResources({
        resources: [
          vmResource('VMCluster', 'hub', { ageSeconds: 3 * 86400 + 5 }),
          vmResource('VMAgent', 'spoke', {
            generationLag: 2,
            health: 'progressing',
            ageSeconds: 90,
          }),
          vmResource('VMAuth', 'hub', {
            updateStatus: 'expanding',
            health: 'progressing',
            ageSeconds: 600,
          }),
          vmResource('VMAlert', 'hub', {
            updateStatus: 'failed',
            reason: 'cannot find datasource url',
            health: 'failed',
            ageSeconds: 5 * 3600,
          }),
          vmResource('VMAlertmanager', 'hub', {
            updateStatus: null,
            generationLag: null,
            health: 'unknown',
            ageSeconds: null,
          }),
        ],
      }),
    );
    expect(rowLabels()).toEqual([
      'VMCluster monitoring/hub: ok',
      'VMAgent monitoring/spoke: progressing',
      'VMAuth monitoring/hub: progressing',
      'VMAlert monitoring/hub: failed',
      'VMAlertmanager monitoring/hub: unknown',
    ]);
    const row = (label: string) => screen.getByRole('row', { name: label });
    const cluster = row('VMCluster monitoring/hub: ok');
    expect(
      within(cluster).getByLabelText('status operational: ready'),
    ).toHaveAttribute('data-health', 'ok');
    expect(cluster).toHaveTextContent('3d');
    expect(cluster).not.toHaveTextContent('gen lag');

    const agent = row('VMAgent monitoring/spoke: progressing');
    expect(
      within(agent).getByLabelText('status operational: in progress'),
    ).toHaveAttribute('data-health', 'progressing');
    expect(within(agent).getByText('gen lag 2')).toBeInTheDocument();
    expect(agent).toHaveTextContent('90s');

    expect(
      within(row('VMAuth monitoring/hub: progressing')).getByLabelText(
        'status expanding: in progress',
      ),
    ).toBeInTheDocument();

    const alert = row('VMAlert monitoring/hub: failed');
    expect(
      within(alert).getByLabelText('status failed: failed'),
    ).toHaveAttribute('data-health', 'failed');
    expect(alert).toHaveTextContent('cannot find datasource url');
    expect(alert).toHaveTextContent('5h');

    const am = row('VMAlertmanager monitoring/hub: unknown');
    expect(
      within(am).getByLabelText('status not reported: unknown'),
    ).toBeInTheDocument();
    expect(am).toHaveTextContent('-');
  });

  it("shows the cluster's error as a warning row, above what could still be read", async () => {
    await renderTable(
      clusterResources({
        error:
          "forbidden (403): the portal's token may not list the operator's resources",
        resources: [vmResource('VMAgent', 'spoke')],
      }),
    );
    expect(
      screen.getByRole('row', { name: 'prod-cluster: resources not read' }),
    ).toHaveTextContent(/^forbidden \(403\)/);
    expect(rowLabels()).toEqual([
      'prod-cluster: resources not read',
      'VMAgent monitoring/spoke: ok',
    ]);
  });

  it('says when there are none, and when a list was cut', async () => {
    await renderTable(clusterResources({ resources: [], truncated: true }));
    expect(
      screen.getByText(/No VictoriaMetrics operator resources/),
    ).toBeInTheDocument();
    expect(screen.getByText(/only the first are shown/)).toBeInTheDocument();
  });

  it('says when the cluster is not among the Kubernetes clusters', async () => {
    await renderTable(undefined);
    expect(
      screen.getByText(/Not among the Kubernetes plugin's clusters/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('formats ages as kubectl does', () => {
    expect(
      [null, 5, 119, 120, 7199, 7200, 172799, 172800].map(formatResourceAge),
    ).toEqual(['-', '5s', '119s', '2m', '119m', '2h', '47h', '2d']);
  });
});
