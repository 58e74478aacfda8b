/**
 * Bounded work on the query routes: a per-principal in-flight limit shared by the feature
 * routers, a bounded queue (503 when full, decided before any query), queries of a closed
 * request not sent, ranges clamped to the hub's retention.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { component } from './__testUtils__/entities';
import vm151Rules from './__fixtures__/vmalert-1.151-rules.json';
import { matrix, startFakeVmSelect } from './__testUtils__/fakeVmSelect';
import { startMonitoringBackend } from './__testUtils__/startMonitoringBackend';

const names = ['a', 'b', 'c', 'd'];
const entities = names.map(n =>
  component(n, {
    'backstage.io/kubernetes-id': n,
    'backstage.io/kubernetes-namespace': 'shop',
  }),
);
const PANELS = 7;

describe('bounded work on the query routes', () => {
  let fake: Awaited<ReturnType<typeof startFakeVmSelect>>;
  let delayMs = 0;
  beforeAll(async () => {
    fake = await startFakeVmSelect(req => ({
      delayMs,
      // vmalert's rules (it defaults to VMSelect's URL), for the alerts route.
      body: req.path.endsWith('/api/v1/rules')
        ? JSON.stringify(vm151Rules)
        : matrix([
            {
              environment: 'production',
              values: [[Number(req.params.start), '1']],
            },
          ]),
    }));
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.requests.length = 0;
    delayMs = 0;
  });

  async function start(vmselect: JsonObject) {
    const { server } = await startMonitoringBackend({
      monitoring: { vmselect: { url: fake.url, ...vmselect } },
      permissions: AuthorizeResult.ALLOW,
      entities,
    });
    return server;
  }
  const metrics = (
    server: any,
    name: string,
    user = 'user:default/mock',
    query = '',
  ) =>
    request(server)
      .get(`/api/monitoring/entity/component/default/${name}/metrics${query}`)
      .set('Authorization', mockCredentials.user.header(user));

  it('answers 503 to a principal past its in-flight limit, and serves others meanwhile', async () => {
    const server = await start({ maxRequestsPerPrincipal: 2 });
    delayMs = 300;
    const [first, second, third, other] = await Promise.all([
      metrics(server, 'a'),
      metrics(server, 'b'),
      new Promise(resolve => setTimeout(resolve, 100)).then(() =>
        metrics(server, 'c'),
      ),
      new Promise(resolve => setTimeout(resolve, 100)).then(() =>
        metrics(server, 'd', 'user:default/someone-else'),
      ),
    ]);
    expect([first.status, second.status, other.status]).toEqual([
      200, 200, 200,
    ]);
    expect(third.status).toBe(503);
    expect(third.body.error.message).toBe(
      '2 of your requests are still running; try again when they finish',
    );
    // Its limit frees up when they finish.
    delayMs = 0;
    expect((await metrics(server, 'c')).status).toBe(200);
  });

  it('answers 503 to the alerts of a principal past its in-flight limit, and serves others meanwhile', async () => {
    const server = await start({ maxRequestsPerPrincipal: 2 });
    delayMs = 300;
    const alerts = (name: string, user = 'user:default/mock') =>
      request(server)
        .get(`/api/monitoring/entity/component/default/${name}/alerts`)
        .set('Authorization', mockCredentials.user.header(user));
    const later = <T>(send: () => PromiseLike<T>) =>
      new Promise(resolve => setTimeout(resolve, 100)).then(send);
    const [first, second, third, other] = await Promise.all([
      alerts('a'),
      metrics(server, 'b'),
      later(() => alerts('c')),
      later(() => alerts('d', 'user:default/someone-else')),
    ]);
    expect([first.status, second.status, other.status]).toEqual([
      200, 200, 200,
    ]);
    expect(third.status).toBe(503);
    expect(third.body.error.message).toBe(
      '2 of your requests are still running; try again when they finish',
    );
    delayMs = 0;
    expect((await alerts('c')).status).toBe(200);
  });

  it('refuses work past the queue bound with a 503 before sending any of its queries', async () => {
    // 7 queries run at once; 7 more may wait; a third request would queue 7 more.
    const server = await start({ maxConcurrency: PANELS, maxQueued: PANELS });
    delayMs = 1500;
    // (A supertest request is sent once something waits for it.)
    const running = [
      metrics(server, 'a', 'user:default/u1').then(r => r),
      metrics(server, 'b', 'user:default/u2').then(r => r),
    ];
    // Until all 14 queries are with VMSelect or waiting for it.
    for (let i = 0; i < 50 && fake.requests.length < PANELS; i++)
      await new Promise(resolve => setTimeout(resolve, 20));
    await new Promise(resolve => setTimeout(resolve, 200));
    const sentBefore = fake.requests.length;
    const refused = await metrics(server, 'c', 'user:default/u3');
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toMatch(
      /^the monitoring backend is busy \(14 queries admitted for VMSelect\)/,
    );
    expect(
      fake.requests.filter(r => r.params.query?.includes('service="c"')),
    ).toEqual([]);
    expect(fake.requests).toHaveLength(sentBefore);
    expect((await Promise.all(running)).map(r => r.status)).toEqual([200, 200]);
  });

  it('does not send the queued queries of a request whose client went away', async () => {
    const server = await start({ maxConcurrency: 1 });
    delayMs = 300;
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>(resolve => {
      const req = http.get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/monitoring/entity/component/default/a/metrics',
          headers: { authorization: mockCredentials.user.header() },
        },
        () => {},
      );
      req.on('error', () => resolve());
      // Gone while its first query runs and the other six wait.
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 150);
    });
    await new Promise(resolve => setTimeout(resolve, 1200));
    expect(fake.requests.length).toBeGreaterThanOrEqual(1);
    expect(fake.requests.length).toBeLessThan(PANELS);
    // The next request still gets everything.
    delayMs = 0;
    const next = await metrics(server, 'b');
    expect(next.status).toBe(200);
    expect(next.body.panels.every((p: any) => !p.error)).toBe(true);
  });

  it('clamps a range to the retention, and refuses one that ends before it', async () => {
    const server = await start({});
    const now = Math.floor(Date.now() / 1000);
    const old = await metrics(
      server,
      'a',
      undefined,
      `?from=${now - 20 * 86400}&to=${now}`,
    );
    expect(old.status).toBe(200);
    // The default retention is the hub template's 15d.
    // (Aligned down to the chosen step.)
    const from = Date.parse(old.body.from) / 1000;
    expect(from).toBeGreaterThan(now - 15 * 86400 - old.body.stepSeconds);
    expect(from).toBeLessThanOrEqual(now - 15 * 86400);
    const gone = await metrics(
      server,
      'a',
      undefined,
      `?from=${now - 30 * 86400}&to=${now - 20 * 86400}`,
    );
    expect(gone.status).toBe(400);
    expect(gone.body.error.message).toBe(
      'the range ends before the oldest data the hub keeps (monitoring.retention)',
    );
  });
});
