import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import http_ from 'node:http';
import { AddressInfo } from 'node:net';
import am025Alerts from '../__fixtures__/alertmanager-0.25-alerts.json';
import am035Alerts from '../__fixtures__/alertmanager-0.35-alerts.json';
import vm151Alerts from '../__fixtures__/vmalert-1.151-alerts.json';
import vm151Rules from '../__fixtures__/vmalert-1.151-rules.json';
import vm179Alerts from '../__fixtures__/vmalert-1.79-alerts.json';
import vm179Rules from '../__fixtures__/vmalert-1.79-rules.json';
import { UpstreamClient } from '../lib/UpstreamClient';
import { AlertmanagerClient } from './AlertmanagerClient';
import { VmAlertClient } from './VmAlertClient';

const BASE = 'http://vmalert.internal.example:8880/select/0/prometheus';
const AM = 'http://alertmanager.internal.example:9093/am';
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const vmalert = (timeoutMs = 2000) =>
  new VmAlertClient(
    new UpstreamClient('vmalert', {
      baseUrl: BASE,
      auth: { type: 'bearer', token: 't0ken' },
      timeoutMs,
    }),
  );
const alertmanager = () =>
  new AlertmanagerClient(
    new UpstreamClient('alertmanager', {
      baseUrl: AM,
      auth: { type: 'basic', username: 'portal', password: 'pw' },
      timeoutMs: 2000,
    }),
  );

describe('VmAlertClient', () => {
  it('reads the current release: type=alert under the path prefix, inactive rules without an alerts key', async () => {
    let seen: URL | undefined;
    let authorization: string | null = null;
    server.use(
      http.get(`${BASE}/api/v1/rules`, ({ request }) => {
        seen = new URL(request.url);
        authorization = request.headers.get('authorization');
        return HttpResponse.json(vm151Rules);
      }),
    );
    const rules = await vmalert().alertingRules();
    expect(seen?.searchParams.get('type')).toBe('alert');
    expect(authorization).toBe('Bearer t0ken');
    const byName = Object.fromEntries(rules.map(r => [r.name, r]));
    expect(byName.SpokeRemoteWriteLag.alerts).toEqual([]);
    expect(byName.ServiceHighErrorRatio).toMatchObject({
      group: 'service-slo',
      labels: { severity: 'critical' },
      forSeconds: 60,
    });
    const [alert] = byName.ServiceHighErrorRatio.alerts;
    expect(alert).toMatchObject({
      state: 'firing',
      labels: {
        service: 'payments',
        environment: 'production',
        namespace: 'shop',
      },
    });
    expect(alert.value).toBeGreaterThan(0.05);
    expect(alert.activeAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('reads 1.79: rules with alerts, and drops recording rules a server without type= returns', async () => {
    const withRecording = structuredClone(vm179Rules) as any;
    withRecording.data.groups[0].rules.push({
      type: 'recording',
      name: 'x:y:z',
      query: 'up',
    });
    server.use(
      http.get(`${BASE}/api/v1/rules`, () => HttpResponse.json(withRecording)),
    );
    const rules = await vmalert().alertingRules();
    expect(rules.map(r => [r.name, r.alerts.map(a => a.state)])).toEqual([
      ['HighErrorRate', ['firing']],
      ['HighLatencyP95', ['pending']],
    ]);
  });

  it('reads "alerts": null (1.79 with nothing active), a missing key, and unknown fields as no alerts', async () => {
    server.use(
      http.get(`${BASE}/api/v1/alerts`, () =>
        HttpResponse.json({
          status: 'success',
          data: { alerts: null, newField: 1 },
        }),
      ),
      http.get(`${BASE}/api/v1/rules`, () =>
        HttpResponse.json({
          status: 'success',
          data: {
            groups: [
              {
                name: 'g',
                rules: [
                  {
                    type: 'alerting',
                    name: 'A',
                    query: 'up == 0',
                    alerts: null,
                    stabilizing: false,
                  },
                  {
                    type: 'alerting',
                    name: 'B',
                    query: 'up == 0',
                    futureField: { x: 1 },
                  },
                ],
              },
            ],
          },
        }),
      ),
    );
    expect(await vmalert().alerts()).toEqual([]);
    expect(
      (await vmalert().alertingRules()).map(r => [r.name, r.alerts]),
    ).toEqual([
      ['A', []],
      ['B', []],
    ]);
  });

  it('parses both releases of /api/v1/alerts', async () => {
    for (const fixture of [vm151Alerts, vm179Alerts]) {
      server.use(
        http.get(`${BASE}/api/v1/alerts`, () => HttpResponse.json(fixture)),
      );
      const alerts = await vmalert().alerts();
      expect(alerts.length).toBe((fixture as any).data.alerts.length);
      expect(alerts.every(a => a.labels.alertname === a.name)).toBe(true);
    }
  });

  it('maps failures without the upstream body or URL', async () => {
    const secretBody =
      'cannot authorize request with auth tokens ["cG9ydGFsOnB3"]';
    server.use(
      http.get(
        `${BASE}/api/v1/rules`,
        () => new HttpResponse(secretBody, { status: 400 }),
      ),
    );
    const err = await vmalert()
      .alertingRules()
      .catch(e => e);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err.message).toBe('vmalert answered HTTP 400');

    server.use(
      http.get(
        `${BASE}/api/v1/rules`,
        () => new HttpResponse('<html>', { status: 200 }),
      ),
    );
    expect(
      (
        await vmalert()
          .alertingRules()
          .catch(e => e)
      ).message,
    ).toBe('vmalert answered with a body that is not JSON');

    server.use(http.get(`${BASE}/api/v1/rules`, () => HttpResponse.error()));
    const unreachable = await vmalert()
      .alertingRules()
      .catch(e => e);
    expect(unreachable.message).toBe('vmalert is unreachable');
    expect(JSON.stringify(unreachable)).not.toContain('internal.example');
  });

  it('times out on a body that never ends (a real loopback server: headers, then nothing)', async () => {
    const slow = http_.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
    });
    await new Promise<void>(resolve => slow.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = slow.address() as AddressInfo;
      const client = new VmAlertClient(
        new UpstreamClient('vmalert', {
          baseUrl: `http://127.0.0.1:${port}`,
          timeoutMs: 300,
        }),
      );
      const err = await client.alertingRules().catch(e => e);
      expect(err).toBeInstanceOf(ServiceUnavailableError);
      expect(err.message).toBe('vmalert did not answer within 300 ms');
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});

describe('AlertmanagerClient', () => {
  it('reads alerts of 0.25 and 0.35 (mutedBy is an extra field)', async () => {
    for (const fixture of [am025Alerts, am035Alerts]) {
      server.use(
        http.get(`${AM}/api/v2/alerts`, () => HttpResponse.json(fixture)),
      );
      const alerts = await alertmanager().alerts();
      expect(alerts).toHaveLength((fixture as any[]).length);
      expect(
        alerts.every(a => a.state === 'active' && a.silencedBy.length === 0),
      ).toBe(true);
    }
  });

  it('creates, reads and expires silences; a missing one is NotFoundError', async () => {
    let posted: any;
    server.use(
      http.post(`${AM}/api/v2/silences`, async ({ request }) => {
        posted = await request.json();
        return HttpResponse.json({
          silenceID: 'a1b2c3d4-0000-4000-8000-000000000001',
        });
      }),
      http.get(`${AM}/api/v2/silence/:id`, ({ params }) =>
        params.id === 'gone'
          ? new HttpResponse('silence not found', { status: 404 })
          : HttpResponse.json({
              id: params.id,
              status: { state: 'active' },
              matchers: [
                { name: 'service', value: 'payments', isRegex: false },
              ],
              startsAt: '2026-12-01T08:00:00Z',
              endsAt: '2026-12-01T09:00:00Z',
              createdBy: 'user:default/guest',
              comment: 'deploy',
            }),
      ),
      http.delete(
        `${AM}/api/v2/silence/:id`,
        () => new HttpResponse(null, { status: 200 }),
      ),
    );
    const am = alertmanager();
    const matchers = [
      { name: 'service', value: 'payments', isRegex: false, isEqual: true },
    ];
    const id = await am.createSilence({
      matchers,
      startsAt: 'a',
      endsAt: 'b',
      createdBy: 'user:default/x',
      comment: 'c',
    });
    expect(id).toBe('a1b2c3d4-0000-4000-8000-000000000001');
    expect(posted.matchers).toEqual(matchers);
    // Before 0.22 matchers had no isEqual: equality.
    expect((await am.silence(id)).matchers[0]).toEqual({
      name: 'service',
      value: 'payments',
      isRegex: false,
      isEqual: true,
    });
    await expect(am.expireSilence(id)).resolves.toBeUndefined();
    await expect(am.silence('gone')).rejects.toBeInstanceOf(NotFoundError);
  });
});
