import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { MonitoringApi, monitoringApiRef } from '../../api';
import {
  emptyResponse,
  fullResponse,
  partialResponse,
} from '../../testing/metricsFixtures';
import { noRulesResponse } from '../../testing/alertsFixtures';
import { checkoutSlo } from '../../testing/sloFixtures';
import { EntityMonitoringContent } from './EntityMonitoringContent';

// A hostile input under test, not a link we make.
// eslint-disable-next-line no-script-url
const SCRIPT_URL = 'javascript:alert(1)';

const HOUR = 3_600_000;

function entity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout',
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': 'checkout', ...annotations },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

function fakeApi(result: () => Promise<EntityMetricsResponse>) {
  const getEntityMetrics = jest.fn<
    ReturnType<MonitoringApi['getEntityMetrics']>,
    Parameters<MonitoringApi['getEntityMetrics']>
  >(result);
  // The tab's alerts section; its own tests are in EntityAlertsSection.test.tsx.
  const getEntityAlerts = jest.fn(async () => noRulesResponse());
  // The claims warning; its own tests are in EntityClaimsWarning.test.tsx.
  const getEntityClaims = jest.fn<
    ReturnType<MonitoringApi['getEntityClaims']>,
    Parameters<MonitoringApi['getEntityClaims']>
  >(async () => ({ claim: null }));
  // The SLO section; its own tests are in EntitySloSection.test.tsx.
  const getEntitySlo = jest.fn<
    ReturnType<MonitoringApi['getEntitySlo']>,
    Parameters<MonitoringApi['getEntitySlo']>
  >(async () => checkoutSlo());
  return { getEntityMetrics, getEntityAlerts, getEntityClaims, getEntitySlo };
}

async function renderTab(e: Entity, api: ReturnType<typeof fakeApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [monitoringApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={e}>
        <EntityMonitoringContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** Value cells of the summary row of one environment. */
function summaryRow(environment: string) {
  const table = screen.getByRole('table', {
    name: 'Latest values by environment',
  });
  const row = within(table)
    .getAllByRole('row')
    .find(
      r => within(r).queryAllByRole('cell')[0]?.textContent === environment,
    );
  if (!row) throw new Error(`no summary row for ${environment}`);
  return within(row)
    .getAllByRole('cell')
    .slice(1)
    .map(c => c.textContent);
}

function rangeOfCall(api: ReturnType<typeof fakeApi>, call: number) {
  const [, range] = api.getEntityMetrics.mock.calls[call];
  return range.to.getTime() - range.from.getTime();
}

describe('EntityMonitoringContent', () => {
  it('shows progress while the metrics load', async () => {
    const api = fakeApi(() => new Promise(() => {}));
    await renderTab(entity(), api);

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(api.getEntityMetrics).toHaveBeenCalledTimes(1);
  });

  it('renders the summary per environment and a chart per panel', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity(), api);

    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(summaryRow('production')).toEqual([
      '123 req/s',
      '20.0%',
      '612 ms',
      '0.25 cores',
      '312 MiB',
    ]);
    expect(summaryRow('dev')[1]).toBe('1.2%');
    const titles = screen
      .getAllByRole('heading', { level: 3 })
      .map(h => h.textContent);
    expect(titles).toEqual(fullResponse().panels.map(p => p.title));
    expect(
      screen.getAllByRole('img', { name: /by environment$/ }),
    ).toHaveLength(7);
    expect(
      screen.getByText('service="checkout" · profile http · step 15s'),
    ).toBeInTheDocument();

    const [ref, range] = api.getEntityMetrics.mock.calls[0];
    expect(ref).toEqual({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
    expect(range.to.getTime() - range.from.getTime()).toBe(HOUR);
  });

  it('shows the missing-annotation state and never calls the API without annotations', async () => {
    const api = fakeApi(async () => fullResponse());
    const bare = entity();
    bare.metadata.annotations = {
      'monitoring/dashboard-url': 'https://grafana.example/d/x',
    };
    await renderTab(bare, api);

    expect(screen.getByText(/missing annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/backstage\.io\/kubernetes-id/).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(api.getEntityMetrics).not.toHaveBeenCalled();
    expect(api.getEntityClaims).not.toHaveBeenCalled();
  });

  it('warns at the top of the tab when other entities own the service', async () => {
    const api = fakeApi(async () => fullResponse());
    api.getEntityClaims.mockResolvedValue({
      claim: {
        service: 'checkout',
        owner: false,
        trusted: false,
        otherOwners: 2,
        ignoredClaimants: 0,
        soleOwner: false,
      },
    });
    await renderTab(entity(), api);

    const warning = await screen.findByText(
      'Warning: Service "checkout" is owned by 2 other entities',
    );
    // Above the time range picker and the metrics, which still render.
    expect(
      warning.compareDocumentPosition(
        screen.getByRole('button', { name: /time range/i }),
      ) & Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(await screen.findByRole('table')).toBeInTheDocument();
    expect(api.getEntityClaims).toHaveBeenCalledWith({
      kind: 'Component',
      namespace: 'default',
      name: 'checkout',
    });
  });

  it('renders a ResponseError in the error panel', async () => {
    const error = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ServiceUnavailableError',
            message: 'vmselect is unreachable',
          },
          request: {
            method: 'GET',
            url: '/entity/component/default/checkout/metrics',
          },
          response: { statusCode: 503 },
        }),
        {
          status: 503,
          statusText: 'Service Unavailable',
          headers: { 'content-type': 'application/json' },
        },
      ),
    );
    const api = fakeApi(() => Promise.reject(error));
    await renderTab(entity(), api);

    expect(
      await screen.findByText(/Request failed with 503/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/vmselect is unreachable/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.getByText(/503: ServiceUnavailableError/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('warns about a failed panel while the other panels still render', async () => {
    const api = fakeApi(async () =>
      partialResponse('latencyP99', 'vmselect: query timed out after 10s'),
    );
    await renderTab(entity(), api);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Some metrics could not be loaded');
    expect(alert).toHaveTextContent(
      'Latency p99: vmselect: query timed out after 10s',
    );
    // The other six panels draw their charts; the failed one explains itself.
    expect(
      screen.getAllByRole('img', { name: /by environment$/ }),
    ).toHaveLength(6);
    expect(
      screen.getByRole('img', { name: 'Request rate by environment' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Could not load this panel: vmselect: query timed out/),
    ).toBeInTheDocument();
    expect(summaryRow('production')[2]).toBe('612 ms');
  });

  it('shows "no data" for an environment without data and names it in the warning', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity(), api);

    await screen.findByRole('table');
    expect(summaryRow('staging')).toEqual(Array(5).fill('no data'));
    expect(
      within(screen.getByRole('alert')).getByText('no data from staging'),
    ).toBeInTheDocument();
  });

  it('shows the designed empty state when no panel has a point', async () => {
    const api = fakeApi(async () => emptyResponse());
    await renderTab(entity(), api);

    expect(
      await screen.findByText(
        'No series matched service "checkout" in any environment',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/set the monitoring\/service-name annotation/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('fetches again with a wider range when the time range changes', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity(), api);
    await screen.findByRole('table');
    expect(api.getEntityMetrics).toHaveBeenCalledTimes(1);

    fireEvent.mouseDown(screen.getByRole('button', { name: /time range/i }));
    fireEvent.click(screen.getByRole('option', { name: 'Last 6 hours' }));

    await waitFor(() => expect(api.getEntityMetrics).toHaveBeenCalledTimes(2));
    expect(rangeOfCall(api, 0)).toBe(HOUR);
    expect(rangeOfCall(api, 1)).toBe(6 * HOUR);
  });

  it('refetches up to now when Refresh is clicked', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity(), api);
    await screen.findByRole('table');
    const firstTo = api.getEntityMetrics.mock.calls[0][1].to.getTime();

    await new Promise(r => setTimeout(r, 5));
    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() => expect(api.getEntityMetrics).toHaveBeenCalledTimes(2));
    expect(api.getEntityMetrics.mock.calls[1][1].to.getTime()).toBeGreaterThan(
      firstTo,
    );
    expect(rangeOfCall(api, 1)).toBe(HOUR);
  });

  it('shows the SLO section below the metrics and reads it again on Refresh', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity({ 'monitoring/slo-availability': '99.9' }), api);
    const budget = await screen.findByRole('group', {
      name: 'checkout availability production budget',
    });
    expect(budget).toHaveTextContent('72 % · 31.1 min left of 43.2 min');
    const summary = await screen.findByRole('table', {
      name: 'Latest values by environment',
    });
    // The section comes after the metrics in the document.
    expect(
      summary.compareDocumentPosition(budget) &
        Node.DOCUMENT_POSITION_FOLLOWING,
    ).toBeTruthy();
    expect(api.getEntitySlo).toHaveBeenCalledTimes(1);

    fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(api.getEntitySlo).toHaveBeenCalledTimes(2));
  });

  it('shows how to declare objectives, without asking, for a service without any', async () => {
    const api = fakeApi(async () => fullResponse());
    await renderTab(entity(), api);
    expect(
      await screen.findByText('No service level objectives'),
    ).toBeInTheDocument();
    expect(api.getEntitySlo).not.toHaveBeenCalled();
  });

  it('links the dashboard annotation, but only when it is an http(s) URL', async () => {
    const api = fakeApi(async () => fullResponse());
    const { unmount } = await renderTab(
      entity({
        'monitoring/dashboard-url': 'https://grafana.example/d/checkout',
      }),
      api,
    );
    // In the header and under every panel (instead of Grafana's Explore).
    const links = await screen.findAllByRole('link', {
      name: /open dashboard/i,
    });
    expect(links.length).toBeGreaterThan(1);
    for (const link of links) {
      expect(link).toHaveAttribute(
        'href',
        'https://grafana.example/d/checkout',
      );
    }
    unmount();

    await renderTab(entity({ 'monitoring/dashboard-url': SCRIPT_URL }), api);
    await screen.findByRole('table');
    expect(screen.queryAllByRole('link', { name: /open dashboard/i })).toEqual(
      [],
    );
  });
});
