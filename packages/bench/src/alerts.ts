/**
 * Alert benchmark (part of `npm run bench`, or alone with `npm run bench -- alerts`): 200
 * GET .../alerts over HTTP for 50 entities, spread over a minute, through the real plugin (auth,
 * catalog, permissions) against the real vmalert and Alertmanager of the local stack. A counting proxy in front of both counts the
 * upstream fetches. Prints figures; asserts nothing.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import monitoringPlugin from '@hubspoke/backstage-plugin-monitoring-backend';
import type { StackEnv } from '@internal/monitoring-local-stack';
import { AddressInfo } from 'node:net';
import { countingProxy, median, sleep } from './support';

const SERVICES = ['checkout', 'payments', 'inventory', 'storefront'];
/** The backend's alert snapshot lifetime (its AlertSnapshots), for the per-interval target. */
const ALERT_SNAPSHOT_TTL_MS = 10_000;

export async function benchAlerts(
  env: StackEnv,
  seconds = Number(process.env.BENCH_ALERTS_SECONDS ?? 60),
) {
  const vmauth = new URL(env.MONITORING_VMSELECT_URL);
  const readProxy = await countingProxy(vmauth.origin);
  const amProxy = await countingProxy(env.MONITORING_ALERTMANAGER_URL);
  const entities: Entity[] = Array.from({ length: 50 }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': SERVICES[i % SERVICES.length],
        'backstage.io/kubernetes-namespace': 'shop',
      },
    },
    spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
  }));
  const { server } = await startTestBackend({
    features: [
      monitoringPlugin,
      mockServices.rootConfig.factory({
        data: {
          monitoring: {
            // Rules and alerts through vmauth and VMSelect's vmalert proxy, as the app reads them.
            vmselect: {
              url: `${readProxy.url}${vmauth.pathname}`,
              auth: {
                username: env.MONITORING_VMSELECT_USERNAME,
                password: env.MONITORING_VMSELECT_PASSWORD,
              },
            },
            alertmanager: { url: amProxy.url },
          },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities }),
    ],
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/monitoring/entity/component/default`;
  const headers = { authorization: mockCredentials.user.header() };

  const requests = 200;
  const latencies: number[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      await sleep((i * seconds * 1000) / requests);
      const t = performance.now();
      const res = await fetch(`${base}/svc-${i % entities.length}/alerts`, {
        headers,
      });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`alerts answered HTTP ${res.status}`);
      latencies.push(performance.now() - t);
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  const rulesPath = `${vmauth.pathname}/api/v1/rules`;
  const vmalertFetches = readProxy.counts.get(rulesPath) ?? 0;
  const amFetches = amProxy.counts.get('/api/v2/alerts') ?? 0;
  const intervals = Math.ceil((elapsed * 1000) / ALERT_SNAPSHOT_TTL_MS);

  // One direct fetch of everything vmalert knows, through vmauth, for comparison.
  const direct: number[] = [];
  const auth = `Basic ${Buffer.from(`${env.MONITORING_VMSELECT_USERNAME}:${env.MONITORING_VMSELECT_PASSWORD}`).toString('base64')}`;
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    await (
      await fetch(`${env.MONITORING_VMSELECT_URL}/api/v1/rules?type=alert`, {
        headers: { authorization: auth },
      })
    ).arrayBuffer();
    direct.push(performance.now() - t);
  }
  readProxy.close();
  amProxy.close();
  server.close();

  console.log(
    `Entity alerts: ${requests} requests over ${entities.length} entities in ${elapsed.toFixed(0)} s, over HTTP:`,
  );
  console.log(
    `  upstream fetches: vmalert ${vmalertFetches}, Alertmanager ${amFetches} (alerts) + ${amProxy.counts.get('/api/v2/silences') ?? 0} (silences); ` +
      `${intervals} cache intervals of ${ALERT_SNAPSHOT_TTL_MS / 1000} s (target: at most one each per interval)`,
  );
  console.log(
    `  endpoint median ${median(latencies).toFixed(1)} ms (p95 ${[...latencies].sort((a, b) => a - b)[Math.floor(latencies.length * 0.95)].toFixed(1)} ms) ` +
      `vs one direct vmalert /api/v1/rules fetch through vmauth, median ${median(direct).toFixed(1)} ms`,
  );
}
