import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import vm151Rules from '../__fixtures__/vmalert-1.151-rules.json';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { SILENCE_REFRESH_WINDOW_MS } from './AlertSnapshots';

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

/**
 * Bounded silence writes (monitoring.alertmanager.silenceWrites): per-user write rate and
 * per-service active silences, both decided before Alertmanager is written, and snapshot
 * re-reads after a burst of writes.
 */
describe('monitoring router: bounded silence writes', () => {
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  /** What the fake Alertmanager holds. */
  let held: any[];
  beforeAll(async () => {
    hub = await startFakeVmSelect((req: FakeRequest) => {
      if (req.path === '/vmalert/api/v1/rules')
        return { body: JSON.stringify(vm151Rules) };
      if (req.path === '/am/api/v2/alerts') return { body: '[]' };
      if (req.path === '/am/api/v2/silences' && req.method === 'POST') {
        const id = `00000000-0000-4000-8000-${String(held.length).padStart(12, '0')}`;
        held.push({ ...JSON.parse(req.body), id, status: { state: 'active' } });
        return { body: JSON.stringify({ silenceID: id }) };
      }
      if (req.path === '/am/api/v2/silences')
        return { body: JSON.stringify(held) };
      const id = /^\/am\/api\/v2\/silence\/(.+)$/.exec(req.path)?.[1];
      const silence = held.find(s => s.id === id);
      if (silence && req.method === 'DELETE') {
        silence.status = { state: 'expired' };
        return { body: '' };
      }
      if (silence) return { body: JSON.stringify(silence) };
      return { status: 404, body: 'no route' };
    });
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
    held = [];
  });

  async function start(silenceWrites?: Record<string, number>) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/prometheus` },
        vmalert: { url: `${hub.url}/vmalert` },
        alertmanager: { url: `${hub.url}/am`, silenceWrites },
      },
      permissions: AuthorizeResult.ALLOW,
      entities,
    });
    return server;
  }
  const base = (name: string) =>
    `/api/monitoring/entity/component/default/${name}`;
  const as = (name: string) =>
    mockCredentials.user.header(`user:default/${name}`);
  const create = (server: any, who: string, entity = 'payments') =>
    request(server)
      .post(`${base(entity)}/silences`)
      .set('Authorization', as(who))
      .send({ duration: '1h', comment: 'maintenance' });
  const expire = (server: any, who: string, id: string) =>
    request(server)
      .delete(`${base('payments')}/silences/${id}`)
      .set('Authorization', as(who));
  const posts = () =>
    hub.requests.filter(
      r => r.method === 'POST' && r.path === '/am/api/v2/silences',
    ).length;

  it("refuses a user's 11th silence write in a minute (429) before Alertmanager is called, while another user may still write", async () => {
    const server = await start();
    // Creates and expires share the budget: 8 + 2 = 10.
    for (let i = 0; i < 8; i++)
      expect((await create(server, 'alice')).status).toBe(201);
    for (const id of held.slice(0, 2).map(s => s.id))
      expect((await expire(server, 'alice', id)).status).toBe(204);
    const sent = hub.requests.length;
    const refused = await create(server, 'alice');
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(
      /^too many silence changes: at most 10 a minute per user \(monitoring\.alertmanager\.silenceWrites\.perUserPerMinute\); try again in \d+ s$/,
    );
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    const refusedExpire = await expire(server, 'alice', held[2].id);
    expect(refusedExpire.status).toBe(429);
    // Neither reached Alertmanager (nor vmalert).
    expect(hub.requests).toHaveLength(sent);
    expect(posts()).toBe(8);
    expect((await create(server, 'bob')).status).toBe(201);
    expect((await expire(server, 'bob', held[2].id)).status).toBe(204);
    expect(posts()).toBe(9);
  });

  it('refuses a silence past the active silences of a service (429), also when creates race, until one is expired', async () => {
    const server = await start({ maxActivePerService: 3 });
    expect((await create(server, 'alice')).status).toBe(201);
    expect((await create(server, 'alice')).status).toBe(201);
    // Three at once for the one place left: one gets it.
    const racing = await Promise.all(
      ['bob', 'carol', 'dave'].map(who => create(server, who)),
    );
    expect(racing.map(r => r.status).sort()).toEqual([201, 429, 429]);
    const refused = racing.find(r => r.status === 429)!;
    expect(refused.body.error.message).toBe(
      'service payments already has 3 active silences made through Backstage, the most allowed (monitoring.alertmanager.silenceWrites.maxActivePerService); expire one first',
    );
    expect(posts()).toBe(3);
    expect((await create(server, 'erin')).status).toBe(429);
    expect(posts()).toBe(3);
    // Another service has its own count.
    expect((await create(server, 'alice', 'checkout')).status).toBe(201);
    // Once one is expired, there is room for one more.
    expect((await expire(server, 'alice', held[0].id)).status).toBe(204);
    expect((await create(server, 'erin')).status).toBe(201);
    expect((await create(server, 'erin')).status).toBe(429);
    expect(posts()).toBe(5);
  });

  it('re-reads vmalert and Alertmanager once or twice for a burst of silence writes, not once per write, and lists each new silence at once', async () => {
    const server = await start({ perUserPerMinute: 100 });
    const alertsOf = () =>
      request(server)
        .get(`${base('payments')}/alerts`)
        .set('Authorization', as('alice'));
    expect((await alertsOf()).status).toBe(200);
    const reads = () => ({
      rules: hub.requests.filter(r => r.path === '/vmalert/api/v1/rules')
        .length,
      silences: hub.requests.filter(
        r => r.method === 'GET' && r.path === '/am/api/v2/silences',
      ).length,
    });
    const before = reads();
    // As the tab does: a write, then the alerts again.
    for (let i = 0; i < 10; i++) {
      const created = await create(server, 'alice');
      expect(created.status).toBe(201);
      const listed = await alertsOf();
      expect(listed.body.silences.map((s: any) => s.id)).toContain(
        created.body.silenceId,
      );
    }
    const burst = reads();
    expect(burst.rules - before.rules).toBeLessThanOrEqual(2);
    expect(burst.silences - before.silences).toBeLessThanOrEqual(2);
    // After the window, one more read: Alertmanager's own list, all ten in it.
    await new Promise(resolve =>
      setTimeout(resolve, SILENCE_REFRESH_WINDOW_MS + 200),
    );
    const settled = await alertsOf();
    expect(settled.body.silences).toHaveLength(10);
    expect(reads().rules - burst.rules).toBe(1);
    expect(reads().silences - burst.silences).toBe(1);
  });
});
