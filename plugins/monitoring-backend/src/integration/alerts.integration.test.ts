/**
 * Integration: the alerts endpoints against the real vmalert (read through vmauth and VMSelect's
 * vmalert proxy, as the portal reads a real hub) and the real Alertmanager of the local stack.
 * The demo makes payments unhealthy in production only, so the hub's service rules fire there.
 * The expected sets are computed here by hand from vmalert's own /api/v1/alerts.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityAlertHistoryResponse,
  EntityAlertsResponse,
  hasSloAnnotations,
  SLO_ALERT_NAMES,
} from '@hubspoke/backstage-plugin-monitoring-common';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parseAllDocuments } from 'yaml';
import { startStack } from '@internal/monitoring-local-stack';
import { startMonitoringBackend } from '../__testUtils__/startMonitoringBackend';
import { stackVmselect } from '../__testUtils__/entities';

jest.setTimeout(300_000);

const ENVIRONMENTS = ['dev', 'staging', 'production'];
const EXAMPLES: Entity[] = parseAllDocuments(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../examples/components.yaml'),
    'utf8',
  ),
)
  .map(d => d.toJS())
  .filter(
    e =>
      e.kind === 'Component' &&
      e.metadata.annotations?.['backstage.io/kubernetes-id'],
  )
  .map(e => ({ ...e, metadata: { ...e.metadata, namespace: 'default' } }));
const GUEST = 'user:default/guest';
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('GET /alerts and silences against the real vmalert and Alertmanager', () => {
  let server: any;
  let vmalertUrl: string;
  let alertmanagerUrl: string;
  const auth = mockCredentials.user.header(GUEST);

  async function vmalertFiring(): Promise<Array<Record<string, string>>> {
    const body = await (await fetch(`${vmalertUrl}/api/v1/alerts`)).json();
    return (body.data.alerts ?? [])
      .filter((a: any) => a.state === 'firing')
      .map((a: any) => a.labels);
  }

  async function alerts(name: string): Promise<EntityAlertsResponse> {
    const res = await request(server)
      .get(`/api/monitoring/entity/component/default/${name}/alerts`)
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    return res.body;
  }

  const firingSet = (r: EntityAlertsResponse) =>
    r.rules
      .flatMap(rule =>
        rule.instances
          .filter(i => i.state === 'firing')
          .map(i => `${rule.name}/${i.environment}/${i.cluster}`),
      )
      .sort();

  async function amAlert(alertname: string) {
    const list = await (await fetch(`${alertmanagerUrl}/api/v2/alerts`)).json();
    return list.find(
      (a: any) =>
        a.labels.alertname === alertname && a.labels.service === 'payments',
    );
  }

  async function until<T>(
    what: string,
    check: () => Promise<T | undefined>,
    timeoutMs: number,
  ): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`timed out waiting for ${what}`);
      await sleep(2000);
    }
  }

  beforeAll(async () => {
    const env = await startStack({ log: () => {} });
    vmalertUrl = env.MONITORING_VMALERT_URL;
    alertmanagerUrl = env.MONITORING_ALERTMANAGER_URL;
    ({ server } = await startMonitoringBackend({
      monitoring: {
        // No vmalert block: rules come through vmauth and VMSelect's -vmalert.proxyURL.
        vmselect: stackVmselect(env),
        alertmanager: { url: alertmanagerUrl },
        environments: ENVIRONMENTS,
      },
      permissions: AuthorizeResult.ALLOW,
      entities: EXAMPLES,
    }));
    // A stack started a moment ago needs about two minutes before `for:` lets them fire.
    await until(
      "payments' two production alerts to fire in vmalert",
      async () => {
        const names = new Set(
          (await vmalertFiring())
            .filter(l => l.service === 'payments')
            .map(l => l.alertname),
        );
        return names.has('ServiceHighErrorRatio') &&
          names.has('ServiceHighLatencyP95')
          ? true
          : undefined;
      },
      240_000,
    );
    // And Alertmanager has been told.
    await until(
      'Alertmanager to hold the alert',
      () => amAlert('ServiceHighErrorRatio'),
      60_000,
    );
  });

  it("shows payments' production alerts firing, with runbooks, and on no other entity", async () => {
    const payments = await alerts('payments');
    // The hub's two service alerts per cluster, and, per objective (availability and latency
    // both burn 20x and more there), the page and the ticket burn-rate alerts per environment.
    expect(firingSet(payments)).toEqual([
      'ServiceHighErrorRatio/production/prod-cluster',
      'ServiceHighLatencyP95/production/prod-cluster',
      `${SLO_ALERT_NAMES.page}/production/undefined`,
      `${SLO_ALERT_NAMES.page}/production/undefined`,
      `${SLO_ALERT_NAMES.ticket}/production/undefined`,
      `${SLO_ALERT_NAMES.ticket}/production/undefined`,
    ]);
    const runbook = (name: string) =>
      payments.rules.find(r => r.name === name)?.runbookUrl;
    expect(
      ['ServiceHighErrorRatio', 'ServiceHighLatencyP95'].map(runbook),
    ).toEqual([
      'https://runbooks.example.com/monitoring/ServiceHighErrorRatio',
      'https://runbooks.example.com/monitoring/ServiceHighLatencyP95',
    ]);
    expect(payments.alertmanager).toBe('ok');
    for (const other of EXAMPLES.filter(e => e.metadata.name !== 'payments')) {
      const r = await alerts(other.metadata.name);
      expect(firingSet(r)).toEqual([]);
      // "All quiet", not "no rules": the hub's per-service rules cover every service, and the
      // burn-rate rules every service with objectives.
      expect([...new Set(r.rules.map(x => x.name))].sort()).toEqual([
        'ServiceHighErrorRatio',
        'ServiceHighLatencyP95',
        ...(hasSloAnnotations(other.metadata.annotations)
          ? [SLO_ALERT_NAMES.page, SLO_ALERT_NAMES.ticket]
          : []),
      ]);
    }
  });

  it("equals, for every example entity, vmalert's own alerts filtered by hand", async () => {
    const firing = await vmalertFiring();
    for (const entity of EXAMPLES) {
      const service =
        entity.metadata.annotations!['backstage.io/kubernetes-id'];
      const namespace =
        entity.metadata.annotations!['backstage.io/kubernetes-namespace'];
      const expected = firing
        .filter(
          l =>
            l.service === service &&
            (!namespace || !l.namespace || l.namespace === namespace),
        )
        .map(l => `${l.alertname}/${l.environment}/${l.cluster}`)
        .sort();
      expect({
        entity: entity.metadata.name,
        firing: firingSet(await alerts(entity.metadata.name)),
      }).toEqual({
        entity: entity.metadata.name,
        firing: expected,
      });
    }
  });

  it('silences an alert in Alertmanager as the signed-in user, only payments may expire it, and expiring restores it', async () => {
    const created = await request(server)
      .post('/api/monitoring/entity/component/default/payments/silences')
      .set('Authorization', auth)
      .send({
        duration: '1h',
        comment: 'integration test',
        alertname: 'ServiceHighErrorRatio',
        environment: 'production',
      });
    expect(created.status).toBe(201);
    const id = created.body.silenceId;
    try {
      const silence = await (
        await fetch(`${alertmanagerUrl}/api/v2/silence/${id}`)
      ).json();
      expect(silence).toMatchObject({
        createdBy: GUEST,
        comment: 'integration test',
        status: { state: 'active' },
      });
      expect(silence.matchers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            name: 'service',
            value: 'payments',
            isRegex: false,
          }),
          expect.objectContaining({
            name: 'alertname',
            value: 'ServiceHighErrorRatio',
            isRegex: false,
          }),
        ]),
      );
      await until(
        'Alertmanager to suppress the alert',
        async () => {
          const a = await amAlert('ServiceHighErrorRatio');
          return a?.status.state === 'suppressed' ? a : undefined;
        },
        30_000,
      );
      const seen = await alerts('payments');
      const instance = seen.rules.find(r => r.name === 'ServiceHighErrorRatio')!
        .instances[0];
      expect(instance.alertmanager).toMatchObject({
        state: 'suppressed',
        silencedBy: [id],
      });
      expect(seen.silences.map(s => s.id)).toContain(id);
      // The other alert is not silenced.
      const latency = seen.rules.find(r => r.name === 'ServiceHighLatencyP95')!
        .instances[0];
      expect(latency.alertmanager.state).toBe('active');

      const other = await request(server)
        .delete(
          `/api/monitoring/entity/component/default/checkout/silences/${id}`,
        )
        .set('Authorization', auth);
      expect(other.status).toBe(403);
      expect(
        (await (await fetch(`${alertmanagerUrl}/api/v2/silence/${id}`)).json())
          .status.state,
      ).toBe('active');
    } finally {
      const expired = await request(server)
        .delete(
          `/api/monitoring/entity/component/default/payments/silences/${id}`,
        )
        .set('Authorization', auth);
      expect(expired.status).toBe(204);
    }
    expect(
      (await (await fetch(`${alertmanagerUrl}/api/v2/silence/${id}`)).json())
        .status.state,
    ).toBe('expired');
    await until(
      'the alert to be active again',
      async () => {
        const a = await amAlert('ServiceHighErrorRatio');
        return a?.status.state === 'active' ? a : undefined;
      },
      30_000,
    );
    const after = await alerts('payments');
    expect(
      after.rules.find(r => r.name === 'ServiceHighErrorRatio')!.instances[0]
        .alertmanager.state,
    ).toBe('active');
  });

  it("shows payments' firing interval in the history, up to now", async () => {
    const to = Math.floor(Date.now() / 1000);
    const res = await request(server)
      .get(
        `/api/monitoring/entity/component/default/payments/alerts/history?from=${to - 3600}&to=${to}`,
      )
      .set('Authorization', auth);
    expect(res.status).toBe(200);
    const history: EntityAlertHistoryResponse = res.body;
    const errorRatio = history.alerts.find(
      a =>
        a.alertname === 'ServiceHighErrorRatio' &&
        a.environment === 'production',
    );
    const firing =
      errorRatio?.intervals.filter(i => i.state === 'firing') ?? [];
    expect(firing.length).toBeGreaterThan(0);
    const last = firing[firing.length - 1];
    // Firing into the last minutes of the range (the newest ALERTS samples are seconds old).
    expect(to * 1000 - last.end).toBeLessThan(3 * 60_000);
    expect(last.end).toBeGreaterThan(last.start);
    const checkout = await request(server)
      .get(
        `/api/monitoring/entity/component/default/checkout/alerts/history?from=${to - 3600}&to=${to}`,
      )
      .set('Authorization', auth);
    expect(
      checkout.body.alerts.filter((a: any) =>
        a.intervals.some((i: any) => i.state === 'firing'),
      ),
    ).toEqual([]);
  });
});
