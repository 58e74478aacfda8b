import { ResponseError } from '@backstage/errors';
import { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import { MonitoringClient } from './MonitoringClient';

const baseUrl = 'http://backstage.example/api/monitoring';

const range = {
  from: new Date('2025-01-01T10:00:00.000Z'),
  to: new Date('2025-01-01T11:00:00.000Z'),
};

function jsonResponse(body: unknown, status = 200, statusText = 'OK') {
  return new Response(JSON.stringify(body), {
    status,
    statusText,
    headers: { 'content-type': 'application/json' },
  });
}

function setup(response: () => Response) {
  const fetch = jest.fn(
    async (_input: RequestInfo | URL, _init?: RequestInit) => response(),
  );
  const getBaseUrl = jest.fn(async (_pluginId: string) => baseUrl);
  const client = new MonitoringClient({
    discoveryApi: { getBaseUrl },
    fetchApi: { fetch: fetch as typeof globalThis.fetch },
  });
  return { client, fetch, getBaseUrl };
}

const body: EntityMetricsResponse = {
  entityRef: 'component:default/checkout',
  service: 'checkout',
  profile: 'http',
  from: range.from.toISOString(),
  to: range.to.toISOString(),
  stepSeconds: 15,
  environments: ['production'],
  panels: [],
};

describe('MonitoringClient', () => {
  it('asks the monitoring backend for the entity with from/to as ISO timestamps', async () => {
    const { client, fetch, getBaseUrl } = setup(() => jsonResponse(body));

    const result = await client.getEntityMetrics(
      { kind: 'Component', namespace: 'default', name: 'checkout' },
      range,
    );

    expect(result).toEqual(body);
    expect(getBaseUrl).toHaveBeenCalledWith('monitoring');
    expect(fetch).toHaveBeenCalledTimes(1);
    const url = new URL(String(fetch.mock.calls[0][0]));
    expect(url.pathname).toBe(
      '/api/monitoring/entity/Component/default/checkout/metrics',
    );
    expect(url.searchParams.get('from')).toBe('2025-01-01T10:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2025-01-01T11:00:00.000Z');
  });

  it('URL-encodes every path segment of a hostile entity ref', async () => {
    const { client, fetch } = setup(() => jsonResponse(body));

    await client.getEntityMetrics(
      { kind: 'com/ponent', namespace: 'a?b#c', name: 'x/../y %z&w=1' },
      range,
    );

    const requested = String(fetch.mock.calls[0][0]);
    expect(requested).toBe(
      `${baseUrl}/entity/com%2Fponent/a%3Fb%23c/x%2F..%2Fy%20%25z%26w%3D1/metrics` +
        '?from=2025-01-01T10%3A00%3A00.000Z&to=2025-01-01T11%3A00%3A00.000Z',
    );
    // Parsed back, the path still has exactly the five segments we meant.
    expect(new URL(requested).pathname.split('/').slice(3)).toEqual([
      'entity',
      'com%2Fponent',
      'a%3Fb%23c',
      'x%2F..%2Fy%20%25z%26w%3D1',
      'metrics',
    ]);
  });

  it.each(['..', '.', ''])(
    'refuses the empty or dot segment %j instead of sending it',
    async name => {
      const { client, fetch } = setup(() => jsonResponse(body));

      await expect(
        client.getEntityMetrics(
          { kind: 'Component', namespace: 'default', name },
          range,
        ),
      ).rejects.toMatchObject({ name: 'InputError' });
      expect(fetch).not.toHaveBeenCalled();
    },
  );

  it('turns a 503 into a ResponseError carrying the status and the server message', async () => {
    const { client } = setup(() =>
      jsonResponse(
        {
          error: {
            name: 'ServiceUnavailableError',
            message: 'vmselect is unreachable',
          },
          request: {
            method: 'GET',
            url: '/entity/component/default/checkout/metrics',
          },
          response: { statusCode: 503 },
        },
        503,
        'Service Unavailable',
      ),
    );

    const error = await client
      .getEntityMetrics(
        { kind: 'Component', namespace: 'default', name: 'checkout' },
        range,
      )
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(503);
    expect(error.body.error.message).toBe('vmselect is unreachable');
    expect(error.cause.name).toBe('ServiceUnavailableError');
  });

  it('turns a non-JSON error body into a ResponseError too', async () => {
    const { client } = setup(
      () =>
        new Response('upstream timed out', {
          status: 504,
          statusText: 'Gateway Timeout',
        }),
    );

    const error = await client
      .getEntityMetrics(
        { kind: 'Component', namespace: 'default', name: 'checkout' },
        range,
      )
      .catch(e => e);

    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(504);
  });

  const payments = {
    kind: 'Component',
    namespace: 'default',
    name: 'payments',
  };

  it('reads alerts and their history of the entity', async () => {
    const { client, fetch } = setup(() => jsonResponse({ rules: [] }));
    await client.getEntityAlerts(payments);
    await client.getEntityAlertHistory(payments, range);
    expect(fetch.mock.calls.map(c => String(c[0]))).toEqual([
      `${baseUrl}/entity/Component/default/payments/alerts`,
      `${baseUrl}/entity/Component/default/payments/alerts/history?from=2025-01-01T10%3A00%3A00.000Z&to=2025-01-01T11%3A00%3A00.000Z`,
    ]);
  });

  it('reads the claim of the entity on its service', async () => {
    const claim = {
      service: 'payments',
      owner: false,
      trusted: false,
      otherOwners: 1,
      ignoredClaimants: 0,
      soleOwner: false,
    };
    const { client, fetch } = setup(() => jsonResponse({ claim }));
    await expect(client.getEntityClaims(payments)).resolves.toEqual({ claim });
    expect(String(fetch.mock.calls[0][0])).toBe(
      `${baseUrl}/entity/Component/default/payments/claims`,
    );

    const none = setup(() => jsonResponse({ claim: null }));
    await expect(none.client.getEntityClaims(payments)).resolves.toEqual({
      claim: null,
    });
  });

  it('turns a refused claims read into a ResponseError and refuses dot segments', async () => {
    const { client, fetch } = setup(() =>
      jsonResponse(
        {
          error: {
            name: 'NotAllowedError',
            message:
              'not allowed to read the claims of component:default/payments',
          },
        },
        403,
        'Forbidden',
      ),
    );
    const error = await client.getEntityClaims(payments).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(403);

    await expect(
      client.getEntityClaims({ ...payments, name: '..' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reads the SLOs of the entity, as of now or of a given instant', async () => {
    const slo = {
      period: '30d',
      periodSeconds: 2_592_000,
      evaluatedAt: '2025-01-01T11:00:00.000Z',
      objectives: [],
      burnRateAlerts: [],
    };
    const { client, fetch } = setup(() => jsonResponse(slo));
    await expect(client.getEntitySlo(payments)).resolves.toEqual(slo);
    await client.getEntitySlo(payments, { time: 1735729200 });
    await client.getEntitySlo({ ...payments, name: 'a b/c' });
    expect(fetch.mock.calls.map(c => String(c[0]))).toEqual([
      `${baseUrl}/entity/Component/default/payments/slo`,
      `${baseUrl}/entity/Component/default/payments/slo?time=1735729200`,
      `${baseUrl}/entity/Component/default/a%20b%2Fc/slo`,
    ]);
  });

  it('turns a failed SLO read into a ResponseError and refuses dot segments', async () => {
    const { client, fetch } = setup(() =>
      jsonResponse(
        {
          error: {
            name: 'InputError',
            message: 'monitoring/slo-availability must be a percentage',
          },
          request: {
            method: 'GET',
            url: '/entity/Component/default/payments/slo',
          },
          response: { statusCode: 400 },
        },
        400,
        'Bad Request',
      ),
    );
    const error = await client.getEntitySlo(payments).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.error.message).toBe(
      'monitoring/slo-availability must be a percentage',
    );

    await expect(
      client.getEntitySlo({ ...payments, namespace: '.' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('posts a silence as JSON and expires one with DELETE (204, no body)', async () => {
    const { client, fetch } = setup(() =>
      jsonResponse({ silenceId: 's1', endsAt: 'x' }, 201),
    );
    const request = { duration: '1h', comment: 'deploy', alertname: 'A' };
    expect(await client.createSilence(payments, request)).toEqual({
      silenceId: 's1',
      endsAt: 'x',
    });
    const [url, init] = fetch.mock.calls[0];
    expect(String(url)).toBe(
      `${baseUrl}/entity/Component/default/payments/silences`,
    );
    expect(init).toMatchObject({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(JSON.parse(String(init!.body))).toEqual(request);

    const expired = setup(() => new Response(null, { status: 204 }));
    await expect(
      expired.client.expireSilence(payments, 'a/b'),
    ).resolves.toBeUndefined();
    expect(String(expired.fetch.mock.calls[0][0])).toBe(
      `${baseUrl}/entity/Component/default/payments/silences/a%2Fb`,
    );
    expect(expired.fetch.mock.calls[0][1]).toMatchObject({ method: 'DELETE' });
    await expect(expired.client.expireSilence(payments, '..')).rejects.toThrow(
      /Invalid/,
    );
  });

  it('turns a refused silence into a ResponseError', async () => {
    const { client } = setup(() =>
      jsonResponse(
        {
          error: {
            name: 'NotAllowedError',
            message:
              'not allowed to silence the alerts of component:default/payments',
          },
        },
        403,
        'Forbidden',
      ),
    );
    await expect(
      client.createSilence(payments, { duration: '1h', comment: 'x' }),
    ).rejects.toBeInstanceOf(ResponseError);
  });

  it('sends every fleet filter that is set as a query parameter', async () => {
    const { client, fetch } = setup(() => jsonResponse({ rows: [] }));
    const url = (call: number) =>
      new URL(String(fetch.mock.calls[call][0])).searchParams;

    await client.getFleet();
    expect(String(fetch.mock.calls[0][0])).toBe(`${baseUrl}/fleet`);

    await client.getFleet({
      environment: 'production',
      owner: 'group:default/team-shop',
      system: 'shop',
      lifecycle: 'production',
      q: 'pay ments&x=1',
      health: 'critical',
      mine: true,
      sort: 'budget',
      order: 'desc',
      page: 0,
      pageSize: 100,
    });
    expect(String(fetch.mock.calls[1][0])).toBe(
      `${baseUrl}/fleet?environment=production&owner=group%3Adefault%2Fteam-shop&system=shop&lifecycle=production&q=pay+ments%26x%3D1&health=critical&mine=true&sort=budget&order=desc&page=0&pageSize=100`,
    );
    expect(Object.fromEntries(url(1))).toEqual({
      environment: 'production',
      owner: 'group:default/team-shop',
      system: 'shop',
      lifecycle: 'production',
      q: 'pay ments&x=1',
      health: 'critical',
      mine: 'true',
      sort: 'budget',
      order: 'desc',
      page: '0',
      pageSize: '100',
    });

    // Unset, empty, false and non-finite values are left out.
    await client.getFleet({
      q: '',
      system: undefined,
      mine: false,
      page: NaN,
      pageSize: 25,
    });
    expect(String(fetch.mock.calls[2][0])).toBe(`${baseUrl}/fleet?pageSize=25`);
  });
});
