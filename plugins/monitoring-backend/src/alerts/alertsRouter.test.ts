import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import vm151Rules from '../__fixtures__/vmalert-1.151-rules.json';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';

const entities = [
  component('payments', {
    'backstage.io/kubernetes-id': 'payments',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
  component('checkout', {
    'backstage.io/kubernetes-id': 'checkout',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
  component('bare', {}),
];

const SILENCE_ID = '3f1b9a52-7c1e-4c55-9a55-0123456789ab';
const paymentsSilence = {
  id: SILENCE_ID,
  status: { state: 'active' },
  matchers: [
    { name: 'service', value: 'payments', isRegex: false, isEqual: true },
    { name: 'namespace', value: 'shop', isRegex: false, isEqual: true },
  ],
  startsAt: '2026-12-01T08:00:00Z',
  endsAt: '2026-12-01T09:00:00Z',
  createdBy: 'user:default/mock',
  comment: 'deploy',
};

describe('monitoring router: alerts and silences', () => {
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  let posted: any[];
  beforeAll(async () => {
    hub = await startFakeVmSelect((req: FakeRequest) => {
      if (req.path === '/vmalert/api/v1/rules')
        return { body: JSON.stringify(vm151Rules) };
      if (req.path === '/prometheus/api/v1/query_range') {
        return {
          body: JSON.stringify({
            status: 'success',
            data: { resultType: 'matrix', result: [] },
          }),
        };
      }
      if (req.path === '/am/api/v2/alerts') return { body: '[]' };
      if (req.path === '/am/api/v2/silences' && req.method === 'POST') {
        posted.push(JSON.parse(req.body));
        return { body: JSON.stringify({ silenceID: SILENCE_ID }) };
      }
      if (req.path === '/am/api/v2/silences')
        return { body: JSON.stringify([paymentsSilence]) };
      if (req.path === `/am/api/v2/silence/${SILENCE_ID}`) {
        return req.method === 'DELETE'
          ? { body: '' }
          : { body: JSON.stringify(paymentsSilence) };
      }
      if (req.path.startsWith('/am/api/v2/silence/'))
        return { status: 404, body: 'silence not found' };
      return { status: 404, body: 'no route' };
    });
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
    posted = [];
  });

  /** `silence`: the decision on monitoring.alerts.silence; everything else is allowed. */
  async function start(
    silence:
      AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/prometheus` },
        vmalert: { url: `${hub.url}/vmalert` },
        alertmanager: { url: `${hub.url}/am`, maxSilence: '2h' },
        environments: ['dev', 'staging', 'production'],
      },
      permissions: permission =>
        permission !== 'monitoring.alerts.silence' ||
        silence === AuthorizeResult.ALLOW,
      entities,
    });
    return server;
  }

  const base = (name: string) =>
    `/api/monitoring/entity/component/default/${name}`;
  const user = mockCredentials.user.header('user:default/alice');

  it("answers payments' firing alerts, filtered on the server", async () => {
    const res = await request(await start())
      .get(`${base('payments')}/alerts`)
      .set('Authorization', user);
    expect(res.status).toBe(200);
    expect(res.body.rules.map((r: any) => [r.name, r.state])).toEqual([
      ['ServiceHighErrorRatio', 'firing'],
      ['ServiceHighLatencyP95', 'firing'],
    ]);
    expect(res.body.silences.map((s: any) => s.id)).toEqual([SILENCE_ID]);
    // Hub-wide rules and other services' alerts never reach the browser.
    expect(JSON.stringify(res.body)).not.toMatch(
      /Watchdog|SpokeRemoteWriteLag|\/etc\/vmalert/,
    );
  });

  it('needs a signed-in caller, an entity that exists and annotations that select alerts', async () => {
    const server = await start();
    expect(
      (await request(server).get(`${base('payments')}/alerts`)).status,
    ).toBe(401);
    expect(
      (
        await request(server)
          .get(`${base('missing')}/alerts`)
          .set('Authorization', user)
      ).status,
    ).toBe(404);
    const bare = await request(server)
      .get(`${base('bare')}/alerts`)
      .set('Authorization', user);
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toMatch(
      /no annotation that selects alerts/,
    );
  });

  it('creates a silence with matchers built from the entity and createdBy from the credentials', async () => {
    const res = await request(await start())
      .post(`${base('payments')}/silences`)
      .set('Authorization', user)
      .send({
        duration: '1h',
        comment: 'rolling back',
        alertname: 'ServiceHighErrorRatio',
        environment: 'production',
      });
    expect(res.status).toBe(201);
    expect(res.body.silenceId).toBe(SILENCE_ID);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({
      createdBy: 'user:default/alice',
      comment: 'rolling back',
      matchers: [
        { name: 'service', value: 'payments', isRegex: false, isEqual: true },
        { name: 'namespace', value: 'shop', isRegex: false, isEqual: true },
        {
          name: 'alertname',
          value: 'ServiceHighErrorRatio',
          isRegex: false,
          isEqual: true,
        },
        {
          name: 'environment',
          value: 'production',
          isRegex: false,
          isEqual: true,
        },
      ],
    });
    expect(Date.parse(posted[0].endsAt) - Date.parse(posted[0].startsAt)).toBe(
      3600_000,
    );
  });

  it.each([
    [{ duration: '3h', comment: 'x' }, /at most 120m/],
    [{ duration: 'forever', comment: 'x' }, /duration must look like/],
    [{ duration: '1h', comment: '' }, /comment is required/],
    [{ duration: '1h', comment: 'x', alertname: 'a\nb' }, /alertname/],
    [{ duration: '1h', comment: 'x', environment: '.+' }, /environment/],
    [
      { duration: '1h', comment: 'x', createdBy: 'user:default/admin' },
      /unknown field/,
    ],
    [{ duration: '1h', comment: 'x', matchers: [] }, /unknown field/],
  ])(
    'refuses %j with 400 before calling Alertmanager',
    async (body, message) => {
      const res = await request(await start())
        .post(`${base('payments')}/silences`)
        .set('Authorization', user)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(posted).toHaveLength(0);
    },
  );

  it('refuses silences without the permission, and to callers that are not users (403)', async () => {
    const denied = await start(AuthorizeResult.DENY);
    const res = await request(denied)
      .post(`${base('payments')}/silences`)
      .set('Authorization', user)
      .send({ duration: '1h', comment: 'x' });
    expect(res.status).toBe(403);
    expect(
      (
        await request(denied)
          .delete(`${base('payments')}/silences/${SILENCE_ID}`)
          .set('Authorization', user)
      ).status,
    ).toBe(403);
    // Reading stays allowed.
    expect(
      (
        await request(denied)
          .get(`${base('payments')}/alerts`)
          .set('Authorization', user)
      ).status,
    ).toBe(200);
    const service = await request(await start())
      .post(`${base('payments')}/silences`)
      .set('Authorization', mockCredentials.service.header())
      .send({ duration: '1h', comment: 'x' });
    expect(service.status).toBe(403);
    expect(service.body.error.message).toMatch(/service/);
    expect(posted).toHaveLength(0);
  });

  it('expires a silence only through the entity it was made for', async () => {
    const server = await start();
    const other = await request(server)
      .delete(`${base('checkout')}/silences/${SILENCE_ID}`)
      .set('Authorization', user);
    expect(other.status).toBe(403);
    expect(hub.requests.some(r => r.method === 'DELETE')).toBe(false);
    const own = await request(server)
      .delete(`${base('payments')}/silences/${SILENCE_ID}`)
      .set('Authorization', user);
    expect(own.status).toBe(204);
    expect(
      hub.requests.filter(r => r.method === 'DELETE').map(r => r.path),
    ).toEqual([`/am/api/v2/silence/${SILENCE_ID}`]);
    const unknown = await request(server)
      .delete(
        `${base('payments')}/silences/00000000-0000-4000-8000-000000000000`,
      )
      .set('Authorization', user);
    expect(unknown.status).toBe(404);
    const hostile = await request(server)
      .delete(`${base('payments')}/silences/..%2F..%2Fsilences`)
      .set('Authorization', user);
    expect(hostile.status).toBe(400);
  });

  it('answers the history from one ALERTS query', async () => {
    const res = await request(await start())
      .get(
        `${base('payments')}/alerts/history?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z`,
      )
      .set('Authorization', user);
    expect(res.status).toBe(200);
    const queries = hub.requests.filter(
      r => r.path === '/prometheus/api/v1/query_range',
    );
    expect(queries).toHaveLength(1);
    expect(queries[0].params.query).toBe(
      'max by (alertname, alertstate, environment, cluster) (ALERTS{service="payments",namespace=~"shop|"})',
    );
    expect(Number(queries[0].params.step.replace('s', ''))).toBeLessThanOrEqual(
      60,
    );
  });
});
