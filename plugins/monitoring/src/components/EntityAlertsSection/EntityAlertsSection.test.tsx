import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityAlertsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { monitoringApiRef } from '../../api';
import {
  firingResponse,
  historyResponse,
  instance,
  noRulesResponse,
} from '../../testing/alertsFixtures';
import { EntityAlertsSection } from './EntityAlertsSection';

const ref = { kind: 'Component', namespace: 'default', name: 'payments' };

function fakeApi(responses: EntityAlertsResponse[]) {
  let call = 0;
  return {
    getEntityAlerts: jest.fn(
      async () => responses[Math.min(call++, responses.length - 1)],
    ),
    getEntityAlertHistory: jest.fn(
      async (_ref: unknown, _range: { from: Date; to: Date }) =>
        historyResponse(),
    ),
    createSilence: jest.fn(async () => ({
      silenceId: 's1',
      endsAt: '2026-12-01T10:00:00Z',
    })),
    expireSilence: jest.fn(async () => undefined),
  };
}

async function renderSection(
  api: ReturnType<typeof fakeApi>,
  permission: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  entityRef = ref,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [monitoringApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: permission })],
      ]}
    >
      <EntityAlertsSection entityRef={entityRef} />
    </TestApiProvider>,
  );
}

describe('EntityAlertsSection', () => {
  it('lists alerts by environment with value, state and silence state, and a timeline', async () => {
    const api = fakeApi([firingResponse()]);
    await renderSection(api, AuthorizeResult.ALLOW);
    const table = await screen.findByRole('table', {
      name: 'Alerts by environment',
    });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(c => c.textContent),
    ).toEqual(['Alert', 'dev', 'staging', 'production']);
    const row = within(table).getByText('ServiceHighErrorRatio').closest('tr')!;
    const cells = within(row).getAllByRole('cell');
    expect(cells[1].textContent).toBe('ok');
    expect(cells[3].textContent).toContain('firing · prod-cluster');
    expect(cells[3].textContent).toContain('value 0.2 ·');
    expect(cells[3].textContent).toContain('notified');
    // The 24 h history: firing for the last three hours.
    const track = await screen.findByTestId(
      'timeline-ServiceHighErrorRatio-production',
    );
    expect(track.querySelector('[data-state="firing"]')).not.toBeNull();
    const [, asked] = api.getEntityAlertHistory.mock.calls[0];
    expect(asked.to.getTime() - asked.from.getTime()).toBe(24 * 3600_000);
  });

  it('silences one alert in one environment through the dialog, then shows it silenced', async () => {
    const silenced = firingResponse();
    silenced.rules[0].instances = [
      instance({
        alertmanager: {
          state: 'suppressed',
          silencedBy: ['s1'],
          inhibitedBy: [],
        },
      }),
    ];
    silenced.silences = [
      {
        id: 's1',
        state: 'active',
        startsAt: '2026-12-01T09:00:00Z',
        endsAt: '2026-12-01T10:00:00Z',
        createdBy: 'user:default/guest',
        comment: 'rolling back',
        alertname: 'ServiceHighErrorRatio',
        environment: 'production',
      },
    ];
    const api = fakeApi([firingResponse(), silenced]);
    await renderSection(api, AuthorizeResult.ALLOW);
    const table = await screen.findByRole('table', {
      name: 'Alerts by environment',
    });
    const row = within(table).getByText('ServiceHighErrorRatio').closest('tr')!;
    fireEvent.click(within(row).getByRole('button', { name: 'Silence' }));

    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Silence ServiceHighErrorRatio'),
    ).toBeInTheDocument();
    const submit = within(dialog).getByRole('button', { name: 'Silence' });
    expect(submit).toBeDisabled(); // a comment is required
    fireEvent.change(within(dialog).getByLabelText('Comment'), {
      target: { value: 'rolling back' },
    });
    fireEvent.click(submit);

    await waitFor(() =>
      expect(api.createSilence).toHaveBeenCalledWith(ref, {
        duration: '1h',
        comment: 'rolling back',
        alertname: 'ServiceHighErrorRatio',
        environment: 'production',
      }),
    );
    expect(
      await screen.findByText('firing · prod-cluster · silenced'),
    ).toBeInTheDocument();
    const silences = screen.getByRole('table', { name: 'Silences' });
    expect(within(silences).getByText('rolling back')).toBeInTheDocument();
    fireEvent.click(
      within(silences).getByRole('button', { name: 'Expire silence s1' }),
    );
    await waitFor(() =>
      expect(api.expireSilence).toHaveBeenCalledWith(ref, 's1'),
    );
  });

  it('shows the backend refusal in the dialog', async () => {
    const api = fakeApi([firingResponse()]);
    api.createSilence.mockRejectedValueOnce(
      new Error('duration must be at most 60m'),
    );
    await renderSection(api, AuthorizeResult.ALLOW);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Silence all…' }),
    );
    const dialog = await screen.findByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('Comment'), {
      target: { value: 'x' },
    });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Silence' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'duration must be at most 60m',
    );
  });

  it('offers no silence without the permission', async () => {
    // usePermission caches decisions per permission and resource across renders: another
    // entity keeps this test from reading the ALLOW of the tests before it.
    await renderSection(fakeApi([firingResponse()]), AuthorizeResult.DENY, {
      ...ref,
      name: 'denied',
    });
    await screen.findByRole('table', { name: 'Alerts by environment' });
    expect(
      screen.queryByRole('button', { name: /Silence/ }),
    ).not.toBeInTheDocument();
  });

  it('offers no silence, and says why, while Alertmanager is down', async () => {
    const down = firingResponse({ alertmanager: 'unavailable' });
    down.rules.forEach(r =>
      r.instances.forEach(
        i =>
          (i.alertmanager = {
            state: 'unknown',
            silencedBy: [],
            inhibitedBy: [],
          }),
      ),
    );
    await renderSection(fakeApi([down]), AuthorizeResult.ALLOW);
    expect(await screen.findByRole('status')).toHaveTextContent(
      /silence states are unknown/,
    );
    expect(
      screen.getAllByText('unknown (Alertmanager unavailable)').length,
    ).toBe(2);
    expect(
      screen.queryByRole('button', { name: /Silence/ }),
    ).not.toBeInTheDocument();
  });

  it('says when no rules select the service', async () => {
    const api = fakeApi([noRulesResponse()]);
    await renderSection(api, AuthorizeResult.ALLOW);
    expect(
      await screen.findByText(
        /No alert rules select this service \("checkout"\)/,
      ),
    ).toBeInTheDocument();
    expect(api.getEntityAlertHistory).not.toHaveBeenCalled();
  });
});
