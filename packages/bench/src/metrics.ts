/**
 * Entity metrics benchmark (`npm run bench -- entity`, part of `npm run bench`), over HTTP
 * through the real plugin (auth, catalog, permissions, claims) started with startTestBackend:
 * 1. GET .../metrics against the same queries (the `query` of each panel in its answer) sent
 *    directly and in parallel to VMSelect (through vmauth, as the backend does), median of N,
 *    with the 1.2x verdict; and GET .../claims, the same request path without the queries;
 * 2. coalescing: 100 concurrent identical requests, counting upstream queries with a proxy.
 * The plugin's metric cache is off (every round measures real upstream work; coalescing still
 * applies); the rest of its cache works as in production. Prints figures; asserts nothing.
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
import type { EntityMetricsResponse } from '@hubspoke/backstage-plugin-monitoring-common';
import type { StackEnv } from '@internal/monitoring-local-stack';
import { AddressInfo } from 'node:net';
import {
  cacheWithout,
  countingProxy,
  DirectVmSelect,
  median,
  RangeParams,
  stackVmselect,
} from './support';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const CONCURRENT = 100;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': 'payments',
      'backstage.io/kubernetes-namespace': 'shop',
    },
  },
  spec: { type: 'service', owner: 'team-shop', lifecycle: 'production' },
};

/** A backend with the monitoring plugin and no metric cache, reading VMSelect at `url`. */
async function metricsBackend(env: StackEnv, url: string) {
  const { server } = await startTestBackend({
    features: [
      monitoringPlugin,
      mockServices.rootConfig.factory({
        data: {
          monitoring: {
            vmselect: {
              ...stackVmselect(env),
              url,
              // 100 concurrent requests of one user must reach the runner, not the limits.
              maxRequestsPerPrincipal: CONCURRENT * 2,
              maxQueued: CONCURRENT * 10,
            },
          },
        },
      }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      catalogServiceMock.factory({ entities: [entity] }),
      cacheWithout('range:'),
    ],
  });
  const entityUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/monitoring/entity/component/default/payments`;
  const base = `${entityUrl}/metrics`;
  const get = async (from: number, to: number) => {
    const res = await fetch(`${base}?from=${from}&to=${to}`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    const text = await res.text();
    if (!res.ok)
      throw new Error(
        `metrics answered HTTP ${res.status}: ${text.slice(0, 200)}`,
      );
    return JSON.parse(text) as EntityMetricsResponse;
  };
  /** GET .../claims: the same request path (auth, catalog, permission, claimants) without queries. */
  const claims = async () => {
    const t = performance.now();
    const res = await fetch(`${entityUrl}/claims`, {
      headers: { authorization: mockCredentials.user.header() },
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`claims answered HTTP ${res.status}`);
    return performance.now() - t;
  };
  return { server, get, claims };
}

/** The range the backend queries for [from, to): bounds aligned to the step (its timeRange). */
function aligned(from: number, to: number, stepSeconds: number): RangeParams {
  const start = Math.floor(from / stepSeconds) * stepSeconds;
  const end = Math.floor(to / stepSeconds) * stepSeconds;
  return { start, end: Math.max(end, start + stepSeconds), stepSeconds };
}

export async function benchEntity(env: StackEnv) {
  const direct = DirectVmSelect.ofStack(env);
  const backend = await metricsBackend(env, env.MONITORING_VMSELECT_URL);
  const now = Math.floor(Date.now() / 1000);

  // The panels' PromQL and step for a 1 h range (the same for every 1 h range), from a first
  // answer outside the measured windows.
  const warm = await backend.get(now - 7200, now - 3600);
  const queries = warm.panels.map(p => {
    if (!p.query) throw new Error(`panel ${p.id} has no query`);
    return p.query;
  });

  const endpointMs: number[] = [];
  const claimsMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // A different window each round, so neither side reuses the other's VM cache entry.
    const from = now - 3600 - i * 15;
    const to = now - i * 15;
    const range = aligned(from, to, warm.stepSeconds);
    const sendDirect = async () => {
      const t = performance.now();
      await Promise.all(queries.map(q => direct.queryRange(q, range)));
      directMs.push(performance.now() - t);
    };
    const endpoint = async () => {
      const t = performance.now();
      await backend.get(from, to);
      endpointMs.push(performance.now() - t);
    };
    // Alternate the order so warm caches favour neither side.
    if (i % 2) {
      await sendDirect();
      await endpoint();
    } else {
      await endpoint();
      await sendDirect();
    }
    claimsMs.push(await backend.claims());
  }
  backend.server.close();

  // Coalescing: a counting proxy in front of vmauth, 100 identical requests at once.
  const vmauth = new URL(env.MONITORING_VMSELECT_URL);
  const proxy = await countingProxy(vmauth.origin);
  const counted = await metricsBackend(env, `${proxy.url}${vmauth.pathname}`);
  const rangePath = `${vmauth.pathname}/api/v1/query_range`;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENT }, () => counted.get(now - 3600, now)),
  );
  const concurrentMs = performance.now() - t;
  const upstreamQueries = proxy.counts.get(rangePath) ?? 0;
  counted.server.close();
  proxy.close();

  const e = median(endpointMs);
  const d = median(directMs);
  console.log(
    `Entity metrics (payments, 1 h, ${queries.length} panels x 3 environments), median of ${ROUNDS}:`,
  );
  const ratio = e / d;
  console.log(
    `  GET .../metrics over HTTP ${e.toFixed(1)} ms, direct parallel queries ${d.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x (target <= 1.2x)`,
  );
  console.log(
    `  the tab's overhead at or under 1.2x direct on 1 h: ${ratio <= 1.2 ? 'MET' : 'NOT MET'} (${ratio.toFixed(2)}x, ${(e - d).toFixed(1)} ms more per request)`,
  );
  console.log(
    `  the same request path without queries (GET .../claims: HTTP, auth, catalog, permission, claimants), median ${median(claimsMs).toFixed(1)} ms`,
  );
  console.log(
    `${CONCURRENT} concurrent identical requests: ${upstreamQueries} upstream queries (one set is ${queries.length}), ${concurrentMs.toFixed(0)} ms in all`,
  );
}
