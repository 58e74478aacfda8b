import { ResponseError } from '@backstage/errors';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { StackResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { screen, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import {
  clusterResources,
  spoke,
  stackResponse,
  vmResource,
} from '../../testing/stackFixtures';
import { StackHealthTab } from './StackHealth';

async function renderTab(result: () => Promise<StackResponse>) {
  const api = { getStack: jest.fn(result) };
  await renderInTestApp(
    <TestApiProvider apis={[[monitoringApiRef, api]]}>
      <StackHealthTab />
    </TestApiProvider>,
  );
  return api;
}

describe('StackHealthTab', () => {
  it('shows a card per cluster with its verdict, figures and trends, and the hub components', async () => {
    await renderTab(async () =>
      stackResponse({
        clusters: [
          spoke('staging-cluster', {
            verdict: 'down',
            reason: 'no sample for 3m 10s',
            lagSeconds: 190,
            samplesPerSecond: null,
          }),
          spoke('dev-cluster', {
            verdict: 'lagging',
            reason: '12 samples or blocks dropped in 15m',
            droppedSamples: 12,
            queueBytes: 5 * 1024 * 1024,
          }),
          spoke('prod-cluster'),
        ],
      }),
    );
    expect(
      await screen.findByLabelText('staging-cluster: down'),
    ).toHaveTextContent('down · no sample for 3m 10s');
    expect(screen.getByLabelText('dev-cluster: lagging')).toHaveTextContent(
      '12 samples or blocks dropped in 15m',
    );
    expect(screen.getByLabelText('prod-cluster: ok')).toHaveTextContent(/^ok$/);
    const staging = screen
      .getByLabelText('staging-cluster: down')
      .closest('[data-verdict]') as HTMLElement;
    expect(within(staging).getByLabelText('Newest sample')).toHaveTextContent(
      '3.2 min ago',
    );
    expect(within(staging).getByLabelText('Samples/s')).toHaveTextContent(
      'no data',
    );
    const dev = screen
      .getByLabelText('dev-cluster: lagging')
      .closest('[data-verdict]') as HTMLElement;
    expect(within(dev).getByLabelText('Queue')).toHaveTextContent('5.0 MiB');
    expect(within(dev).getByLabelText('Dropped (15m)')).toHaveTextContent('12');
    // The trends are charts (with a name), not only numbers.
    expect(
      screen.getByRole('img', { name: 'prod-cluster: samples/s, last hour' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'prod-cluster: queue, last hour' }),
    ).toBeInTheDocument();
    const components = screen.getByRole('table', { name: 'Hub components' });
    expect(
      within(components)
        .getAllByRole('row')
        .slice(1)
        .map(r => r.getAttribute('aria-label')),
    ).toEqual([
      'vminsert: up',
      'vmselect: up',
      'vmstorage: up',
      'vmauth: up',
      'vmalert: up',
      'Alertmanager: up',
    ]);
    expect(within(components).getByLabelText('vmalert: up')).toHaveTextContent(
      '2 / 2',
    );
  });

  it("shows each cluster's VictoriaMetrics resources beside its verdict, and a cluster's error as a warning row", async () => {
    await renderTab(async () =>
      stackResponse({
        clusters: [
          spoke('staging-cluster', {
            verdict: 'down',
            reason: 'no sample in the last day',
            kubernetes: clusterResources({
              resources: [],
              error: 'no answer within 5s',
            }),
          }),
          spoke('prod-cluster', {
            kubernetes: clusterResources({
              resources: [
                vmResource('VMAgent', 'spoke', {
                  updateStatus: 'failed',
                  reason: 'remote write url unreachable',
                  health: 'failed',
                }),
              ],
            }),
          }),
          spoke('legacy-cluster'),
        ],
      }),
    );
    const staging = await screen.findByRole('table', {
      name: 'staging-cluster: VictoriaMetrics resources',
    });
    expect(
      within(staging).getByRole('row', {
        name: 'staging-cluster: resources not read',
      }),
    ).toHaveTextContent('no answer within 5s');
    const prod = screen.getByRole('table', {
      name: 'prod-cluster: VictoriaMetrics resources',
    });
    expect(
      within(prod).getByRole('row', {
        name: 'VMAgent monitoring/spoke: failed',
      }),
    ).toHaveTextContent('remote write url unreachable');
    // The verdict stays beside it.
    expect(screen.getByLabelText('prod-cluster: ok')).toBeInTheDocument();
    expect(
      screen.queryByRole('table', {
        name: 'legacy-cluster: VictoriaMetrics resources',
      }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(/Not among the Kubernetes plugin's clusters/),
    ).toBeInTheDocument();
  });

  it('says when no hub scrapes its own components, and when no cluster writes at all', async () => {
    await renderTab(async () => stackResponse({ components: [] }));
    expect(
      await screen.findByText(/No hub scrapes its own components/),
    ).toBeInTheDocument();
  });

  it('says when the snapshot was taken and how old it is, without a warning while fresh', async () => {
    await renderTab(async () => stackResponse());
    const takenAt = new Date('2026-12-01T12:00:00.000Z').toLocaleTimeString();
    expect(
      await screen.findByText(`Snapshot ${takenAt} (20 s old).`, {
        exact: false,
      }),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Read /)).not.toBeInTheDocument();
    expect(screen.queryByText(/Stale/)).not.toBeInTheDocument();
  });

  it("shows a stale snapshot's warning and its reason above the clusters", async () => {
    const snapshot = {
      takenAt: '2026-12-01T11:50:00.000Z',
      ageSeconds: 600,
      stale: true,
      warning:
        'The stack could not be refreshed since 11:50: vmselect timed out',
    };
    await renderTab(async () => stackResponse({ snapshot }));
    const warning = (await screen.findByText(/^Stale:/)).closest(
      '[role="alert"]',
    ) as HTMLElement;
    expect(warning).toHaveTextContent(
      "Stale: the stack's health is 10 min old",
    );
    expect(warning).toHaveTextContent(snapshot.warning);
    expect(screen.getByLabelText('prod-cluster: ok')).toBeInTheDocument();
    expect(screen.getByText(/\(10 min old\)/)).toBeInTheDocument();
  });

  it('warns of a stale snapshot above the empty state too', async () => {
    await renderTab(async () =>
      stackResponse({
        clusters: [],
        components: [],
        snapshot: {
          takenAt: '2026-12-01T11:00:00.000Z',
          ageSeconds: 3600,
          stale: true,
        },
      }),
    );
    expect(
      await screen.findByText(/Stale: the stack's health is 1.0 h old/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No cluster writes to the hub'),
    ).toBeInTheDocument();
  });

  it('has an empty state without clusters', async () => {
    await renderTab(async () =>
      stackResponse({ clusters: [], components: [] }),
    );
    expect(
      await screen.findByText('No cluster writes to the hub'),
    ).toBeInTheDocument();
  });

  it('shows the error of a refused request', async () => {
    await renderTab(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'not allowed to read the health of the monitoring stack',
            },
          }),
          {
            status: 403,
            headers: { 'content-type': 'application/json' },
          },
        ) as any,
      );
    });
    expect(
      await screen.findByText(/Could not load the stack's health/),
    ).toBeInTheDocument();
  });
});
