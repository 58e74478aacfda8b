/**
 * Benchmarks on the real local stack (`npm run bench`). Prints figures; asserts nothing.
 *
 * 1. Entity metrics: the service that answers GET .../metrics against the same queries sent
 *    directly and in parallel to VMSelect (through vmauth, as the backend does), median of N.
 * 2. Coalescing: 100 concurrent identical requests, counting upstream queries.
 * 3. Rendering and validating a hub and 100 spokes (the scaffolder module's builders).
 * 4. Entity alerts: 200 requests over 50 entities in a minute, over HTTP (scripts/benchAlerts.ts).
 * 5. The fleet at 1,000 and 5,000 services on synthetic series (scripts/benchFleet.ts).
 *
 * `npm run bench -- fleet` (or `alerts`, `entity`) runs one part.
 */
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { readMonitoringConfig } from '../plugins/monitoring-backend/src/config';
import {
  EntityMetricsService,
  entityQueries,
} from '../plugins/monitoring-backend/src/service/EntityMetricsService';
import { QueryRunner } from '../plugins/monitoring-backend/src/service/QueryRunner';
import { resolveRange } from '../plugins/monitoring-backend/src/service/timeRange';
import { VmSelectClient } from '../plugins/monitoring-backend/src/vmselect/VmSelectClient';
import { renderBench } from '../plugins/scaffolder-backend-module-monitoring/src/bench/renderBench';
import { benchAlerts } from './benchAlerts';
import { benchFleet } from './benchFleet';
import { startStack } from '@internal/monitoring-local-stack';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);

/** No caching, so every round measures real upstream work (coalescing still applies). */
const noCache: any = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
  withOptions: () => noCache,
};
const silent: any = {
  warn() {},
  info() {},
  error() {},
  debug() {},
  child: () => silent,
};

const median = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const only = process.argv[2];
  const env = await startStack({ log: () => {} });
  if (!only || only === 'entity') await benchEntity(env);
  if (!only || only === 'alerts') await benchAlerts(env);
  if (!only || only === 'fleet') await benchFleet(env);
}

async function benchEntity(env: Awaited<ReturnType<typeof startStack>>) {
  const config = readMonitoringConfig(
    new ConfigReader({
      monitoring: {
        vmselect: {
          url: env.MONITORING_VMSELECT_URL,
          auth: {
            username: env.MONITORING_VMSELECT_USERNAME,
            password: env.MONITORING_VMSELECT_PASSWORD,
          },
        },
      },
    }),
  );
  const client = new VmSelectClient(config.vmselect);
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: {
        'backstage.io/kubernetes-id': 'payments',
        'backstage.io/kubernetes-namespace': 'shop',
      },
    },
  };
  const now = Math.floor(Date.now() / 1000);

  const service = () =>
    new EntityMetricsService(
      config,
      new QueryRunner(client, noCache, 8),
      silent,
    );
  const endpointMs: number[] = [];
  const directMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    // A different window each round, so neither side reuses the other's VM cache entry.
    const range = resolveRange({
      from: String(now - 3600 - i * 15),
      to: String(now - i * 15),
    });
    const { panels } = entityQueries(entity, config, range);
    const direct = async () => {
      const t = performance.now();
      await Promise.all(panels.map(p => client.queryRange(p.query, range)));
      directMs.push(performance.now() - t);
    };
    const endpoint = async () => {
      const t = performance.now();
      await service().getMetrics(entity, range);
      endpointMs.push(performance.now() - t);
    };
    // Alternate the order so warm caches favour neither side.
    if (i % 2) {
      await direct();
      await endpoint();
    } else {
      await endpoint();
      await direct();
    }
  }

  const runner = new QueryRunner(client, noCache, 8);
  const coalescing = new EntityMetricsService(config, runner, silent);
  const range = resolveRange({}, now);
  const t = performance.now();
  await Promise.all(
    Array.from({ length: 100 }, () => coalescing.getMetrics(entity, range)),
  );
  const concurrentMs = performance.now() - t;

  const e = median(endpointMs);
  const d = median(directMs);
  console.log(
    `Entity metrics (payments, 1 h, 7 panels x 3 environments), median of ${ROUNDS}:`,
  );
  console.log(
    `  endpoint service ${e.toFixed(1)} ms, direct parallel queries ${d.toFixed(1)} ms, ratio ${(e / d).toFixed(2)}x (target <= 1.2x)`,
  );
  const renderRuns = Array.from({ length: 5 }, () => renderBench());
  console.log(
    `Render + validate + YAML of a hub and 100 spokes: first ${renderRuns[0].toFixed(0)} ms (loads the CRD schemas), then median ${median(renderRuns.slice(1)).toFixed(0)} ms (target: well under 1000 ms)`,
  );
  console.log(
    `100 concurrent identical requests: ${runner.upstreamQueries} upstream queries (one set is ${entityQueries(entity, config, range).panels.length}), ${concurrentMs.toFixed(0)} ms in all`,
  );
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
