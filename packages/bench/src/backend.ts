/**
 * The backend of the fleet and load benchmarks: the real monitoring plugin in
 * `startTestBackend` (auth, catalog, permissions, cache and scheduler services), on the
 * synthetic catalog (indexed: catalog.ts), with VMSelect (and Alertmanager) reached through the URLs given (a
 * counting proxy's). Requests go over HTTP.
 *
 * The scheduler is the test backend's MockSchedulerService: it runs the plugin's tasks (the
 * fleet's and the stack's snapshots) once at startup unless told not to, and `refresh(task)`
 * runs one now and awaits it, which the benchmarks time. The load benchmark calls it every
 * 30 s (the plugin's default `monitoring.snapshots.refresh`), as Backstage's scheduler would.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import monitoringPlugin from '@hubspoke/backstage-plugin-monitoring-backend';
import type { StackEnv } from '@internal/monitoring-local-stack';
import { AddressInfo } from 'node:net';
import { indexedCatalog } from './catalog';
import { permissionsFactory, Policy, userInfoFactory } from './policies';
import { stackVmselect } from './support';
import { catalog } from './synthetic';

/**
 * The plugin's scheduler task ids (FleetService's FLEET_SNAPSHOT_TASK and StackService's
 * STACK_SNAPSHOT_TASK; not exported by the package): checked against the scheduled tasks.
 */
export const FLEET_TASK = 'monitoring-fleet-snapshot';
export const STACK_TASK = 'monitoring-stack-snapshot';

export interface BenchBackendOptions {
  /** The synthetic catalog's size. */
  services: number;
  /** `monitoring.vmselect.url` (vmauth's tenant path, usually through a counting proxy). */
  vmselectUrl: string;
  /** `monitoring.alertmanager.url`; none configured without it. */
  alertmanagerUrl?: string;
  /** The stack's credentials of the portal user. */
  env: Pick<
    StackEnv,
    | 'MONITORING_VMSELECT_URL'
    | 'MONITORING_VMSELECT_USERNAME'
    | 'MONITORING_VMSELECT_PASSWORD'
  >;
  source?: 'auto' | 'recording-rules' | 'raw';
  policy?: Policy;
  /** Whether the scheduler runs the snapshots at startup (as in production); default true. */
  runAtStartup?: boolean;
}

export interface BenchBackend {
  /** `http://127.0.0.1:<port>/api/monitoring` */
  base: string;
  /** Runs a scheduled task now and resolves when it is done, with its milliseconds. */
  refresh(task: string): Promise<number>;
  stop(): Promise<void>;
}

/** The MockSchedulerService's methods used here (its factory is not in SchedulerService). */
interface MockScheduler {
  factory(options?: { skipTaskRunOnStartup?: boolean }): any;
  triggerTask(id: string): Promise<void>;
  getScheduledTasks(): Promise<Array<{ id: string }>>;
}

export async function startBenchBackend(
  options: BenchBackendOptions,
): Promise<BenchBackend> {
  const scheduler = mockServices.scheduler() as unknown as MockScheduler;
  const backend = await startTestBackend({
    features: [
      monitoringPlugin,
      mockServices.rootConfig.factory({
        data: {
          monitoring: {
            vmselect: {
              ...stackVmselect(options.env as StackEnv),
              url: options.vmselectUrl,
              // As a hub of this size would set it: 5,000 services on 2 shared cores take seconds.
              timeout: '60s',
            },
            ...(options.alertmanagerUrl
              ? { alertmanager: { url: options.alertmanagerUrl } }
              : {}),
            fleet: { source: options.source ?? 'auto' },
          },
        },
      }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      permissionsFactory(options.policy ?? 'allow'),
      userInfoFactory,
      indexedCatalog(catalog(options.services)),
      scheduler.factory({
        skipTaskRunOnStartup: options.runAtStartup === false,
      }),
    ],
  });
  const scheduled = (await scheduler.getScheduledTasks()).map(t => t.id);
  for (const id of [FLEET_TASK, STACK_TASK]) {
    if (!scheduled.includes(id))
      throw new Error(
        `the plugin scheduled no task ${id} (its tasks: ${scheduled.join(', ')})`,
      );
  }
  const port = (backend.server.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}/api/monitoring`,
    async refresh(task) {
      const t = performance.now();
      await scheduler.triggerTask(task);
      return performance.now() - t;
    },
    stop: () => backend.stop(),
  };
}

export interface Reply {
  status: number;
  ms: number;
  bytes: Buffer;
}

/** One GET as `user` (a signed-in user; the test backend's default one without), timed to the last byte. */
export async function get(url: string, user?: string): Promise<Reply> {
  const t = performance.now();
  try {
    const res = await fetch(url, {
      headers: { authorization: mockCredentials.user.header(user) },
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { status: res.status, ms: performance.now() - t, bytes };
  } catch (e) {
    // No answer at all (a reset connection, a refused one): status 0.
    return {
      status: 0,
      ms: performance.now() - t,
      bytes: Buffer.from(String(e)),
    };
  }
}

/** {@link get}, failing on anything but 200. */
export async function getOk(url: string, user?: string): Promise<Reply> {
  const reply = await get(url, user);
  if (reply.status !== 200)
    throw new Error(
      `${url} answered HTTP ${reply.status}: ${reply.bytes.toString('utf8', 0, 200)}`,
    );
  return reply;
}
