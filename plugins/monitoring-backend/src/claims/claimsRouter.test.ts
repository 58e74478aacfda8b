import { mockCredentials } from '@backstage/backend-test-utils';
import request from 'supertest';
import { component } from '../__testUtils__/entities';
import { FakeRequest, startFakeVmSelect } from '../__testUtils__/fakeVmSelect';
import {
  Decide,
  startMonitoringBackend,
} from '../__testUtils__/startMonitoringBackend';
import { overlaps } from '@hubspoke/backstage-plugin-monitoring-common';

/**
 * An entity's author chooses the service its annotations name: `impostor` names payments'.
 * Reading or silencing through it must need the same permission on payments itself.
 */
const entities = [
  component('payments', {
    'backstage.io/kubernetes-id': 'payments',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
  component('impostor', {
    'backstage.io/kubernetes-id': 'payments',
    'backstage.io/kubernetes-namespace': 'shop',
  }),
  // The same service in another namespace is another identity.
  component('payments-eu', {
    'backstage.io/kubernetes-id': 'payments',
    'backstage.io/kubernetes-namespace': 'eu',
  }),
  component('by-selector', {
    'backstage.io/kubernetes-label-selector': 'app.kubernetes.io/name=checkout',
  }),
  component('checkout', { 'monitoring/service-name': 'checkout' }),
  // Roadie's annotations only: its service comes from prometheus.io/labels.
  component('roadie', {
    'prometheus.io/alert': 'all',
    'prometheus.io/labels': 'service=payments,namespace=shop',
  }),
];

describe('service claims', () => {
  let hub: Awaited<ReturnType<typeof startFakeVmSelect>>;
  beforeAll(async () => {
    hub = await startFakeVmSelect((req: FakeRequest) => {
      if (req.path.endsWith('/api/v1/rules')) {
        return {
          body: JSON.stringify({ status: 'success', data: { groups: [] } }),
        };
      }
      if (req.method === 'POST' && req.path === '/am/api/v2/silences')
        return { body: JSON.stringify({ silenceID: 'silence-1' }) };
      if (
        req.path === '/am/api/v2/alerts' ||
        req.path === '/am/api/v2/silences'
      )
        return { body: '[]' };
      return {
        body: JSON.stringify({
          status: 'success',
          data: { resultType: 'matrix', result: [] },
        }),
      };
    });
  });
  afterAll(() => hub.close());
  beforeEach(() => {
    hub.requests.length = 0;
  });

  /** `decide(permission, entityRef)`: the policy's decision, resolved per entity. */
  async function start(
    decide: Decide,
    opts: { entities?: typeof entities; trustedLocations?: string[] } = {},
  ) {
    const { server } = await startMonitoringBackend({
      monitoring: {
        vmselect: { url: `${hub.url}/prometheus` },
        alertmanager: { url: `${hub.url}/am` },
        ...(opts.trustedLocations
          ? { claims: { trustedLocations: opts.trustedLocations } }
          : {}),
      },
      permissions: decide,
      entities: opts.entities ?? entities,
    });
    return server;
  }

  const get = (server: any, name: string, path: string) =>
    request(server)
      .get(`/api/monitoring/entity/component/default/${name}/${path}`)
      .set('Authorization', mockCredentials.user.header());

  it("refuses the impostor's readers payments' metrics and alerts unless they may read payments", async () => {
    const server = await start(
      (_p, ref) => ref !== 'component:default/payments',
    );
    for (const path of ['metrics', 'alerts', 'alerts/history']) {
      const res = await get(server, 'impostor', path);
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(
        /service "payments" is also owned by 1 other entity you may not read/,
      );
      // The hidden claimant's ref is not revealed.
      expect(res.body.error.message).not.toContain(
        'component:default/payments',
      );
    }
    expect(hub.requests).toEqual([]);
    // Another namespace is another identity: payments-eu is not held back by shop's entities.
    expect((await get(server, 'payments-eu', 'metrics')).status).toBe(200);
  });

  it('lets both through when the caller may read both', async () => {
    const server = await start(() => true);
    expect((await get(server, 'impostor', 'metrics')).status).toBe(200);
    expect((await get(server, 'payments', 'alerts')).status).toBe(200);
  });

  it('refuses a silence through the impostor unless the caller may silence payments too', async () => {
    // The impostor's owner: may silence the impostor, not payments (an ownership-style policy).
    const server = await start(
      (permission, ref) =>
        permission !== 'monitoring.alerts.silence' ||
        ref === 'component:default/impostor',
    );
    const res = await request(server)
      .post('/api/monitoring/entity/component/default/impostor/silences')
      .set('Authorization', mockCredentials.user.header())
      .send({ duration: '1h', comment: 'mute payments' });
    expect(res.status).toBe(403);
    expect(hub.requests.filter(r => r.method === 'POST')).toEqual([]);
  });

  it("holds an entity with Roadie's annotations to the service its labels name", async () => {
    const server = await start(
      (_p, ref) => ref !== 'component:default/payments',
    );
    const res = await get(server, 'roadie', 'alerts');
    expect(res.status).toBe(403);
  });

  it('counts label-selector and service-name annotations as claims', async () => {
    const server = await start(
      (_p, ref) => ref !== 'component:default/by-selector',
    );
    const res = await get(server, 'checkout', 'metrics');
    expect(res.status).toBe(403);
  });

  describe('with a trusted location', () => {
    const TRUSTED = 'url:https://git.example.com/platform/catalog/';
    const origin = (where: string) => ({
      'backstage.io/managed-by-origin-location': where,
    });
    const trustedCatalog = [
      component('payments', {
        'backstage.io/kubernetes-id': 'payments',
        'backstage.io/kubernetes-namespace': 'shop',
        ...origin(`${TRUSTED}all.yaml`),
      }),
      // Registered by anyone, from anywhere (a prefix look-alike included).
      component('impostor', {
        'backstage.io/kubernetes-id': 'payments',
        'backstage.io/kubernetes-namespace': 'shop',
        ...origin('url:https://git.example.com/platform/catalog-evil/x.yaml'),
      }),
    ];
    const startTrusted = (decide: Decide) =>
      start(decide, { entities: trustedCatalog, trustedLocations: [TRUSTED] });

    it("an untrusted claimant cannot block the owner's readers or silencers", async () => {
      const server = await startTrusted(
        (_p, ref) => ref !== 'component:default/impostor',
      );
      expect((await get(server, 'payments', 'metrics')).status).toBe(200);
      expect((await get(server, 'payments', 'alerts')).status).toBe(200);
      const silence = await request(server)
        .post('/api/monitoring/entity/component/default/payments/silences')
        .set('Authorization', mockCredentials.user.header())
        .send({ duration: '1h', comment: 'deploy' });
      expect(silence.status).toBe(201);
    });

    it("an untrusted claimant's readers still need the owner's permission", async () => {
      const server = await startTrusted(
        (_p, ref) => ref !== 'component:default/payments',
      );
      const res = await get(server, 'impostor', 'alerts');
      expect(res.status).toBe(403);
      expect(res.body.error.message).toContain('is also owned by 1 other');
    });

    it('GET /claims says who owns the service, without naming other entities', async () => {
      const server = await startTrusted(() => true);
      const owner = await get(server, 'payments', 'claims');
      expect(owner.status).toBe(200);
      expect(owner.body).toEqual({
        claim: {
          service: 'payments',
          namespace: 'shop',
          owner: true,
          trusted: true,
          otherOwners: 0,
          ignoredClaimants: 1,
          soleOwner: true,
        },
      });
      const other = await get(server, 'impostor', 'claims');
      expect(other.body.claim).toMatchObject({
        owner: false,
        trusted: false,
        otherOwners: 1,
        soleOwner: false,
      });
      expect(JSON.stringify(other.body)).not.toContain('component:');
    });
  });

  it("shows a service's alerts that carry no namespace only to its sole owner", async () => {
    const firing = (labels: Record<string, string>) => ({
      labels: { alertname: 'ServiceDown', ...labels },
      annotations: {},
      state: 'firing',
      activeAt: '2026-12-07T00:00:00Z',
      value: '1',
    });
    const rules = {
      status: 'success',
      data: {
        groups: [
          {
            name: 'g',
            file: 'f',
            rules: [
              {
                name: 'ServiceDown',
                type: 'alerting',
                query: 'sum by (service) (up) == 0',
                labels: {},
                annotations: {},
                state: 'firing',
                alerts: [
                  firing({ service: 'ledger', environment: 'production' }),
                ],
              },
            ],
          },
        ],
      },
    };
    const alertsOf = async (catalog: typeof entities) => {
      const local = await startFakeVmSelect((req: FakeRequest) => {
        if (req.path.endsWith('/api/v1/rules'))
          return { body: JSON.stringify(rules) };
        return { body: '[]' };
      });
      try {
        const { server } = await startMonitoringBackend({
          monitoring: {
            vmselect: { url: `${local.url}/prometheus` },
            alertmanager: { url: `${local.url}/am` },
          },
          entities: catalog,
        });
        const res = await get(server, 'ledger', 'alerts');
        expect(res.status).toBe(200);
        return res.body.rules.flatMap((r: any) => r.instances);
      } finally {
        local.close();
      }
    };
    const ledger = component('ledger', {
      'backstage.io/kubernetes-id': 'ledger',
      'backstage.io/kubernetes-namespace': 'shop',
    });
    // Alone, ledger owns the service in every namespace: the alert is its own.
    expect(await alertsOf([ledger])).toHaveLength(1);
    // With a claimant in another namespace, an alert without a namespace may be either's.
    const other = component('ledger-eu', {
      'backstage.io/kubernetes-id': 'ledger',
      'backstage.io/kubernetes-namespace': 'eu',
    });
    expect(await alertsOf([ledger, other])).toHaveLength(0);
  });

  it('overlaps: same service, and a namespace in common (none means all)', () => {
    expect(
      overlaps(
        { service: 'a', namespace: 'x' },
        { service: 'a', namespace: 'x' },
      ),
    ).toBe(true);
    expect(
      overlaps(
        { service: 'a', namespace: 'x' },
        { service: 'a', namespace: 'y' },
      ),
    ).toBe(false);
    expect(overlaps({ service: 'a' }, { service: 'a', namespace: 'y' })).toBe(
      true,
    );
    expect(overlaps({ service: 'a' }, { service: 'b' })).toBe(false);
  });
});
