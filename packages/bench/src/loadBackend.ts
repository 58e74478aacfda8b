/**
 * The load benchmark's backend process (forked by load.ts): the plugin in a test backend
 * (backend.ts) in a process of its own, so its CPU and heap are measured without the load
 * generator's, and the generator's event loop does not slow its answers. It refreshes both
 * snapshots (the fleet's and the stack's) every 30 s, start to start, as Backstage's scheduler
 * does with the plugin's default `monitoring.snapshots.refresh`; a refresh still running when
 * its next one is due is not started twice.
 *
 * Messages from the parent: `start` (the backend's options) answered by `ready`; `usage`
 * answered by this process's cpuUsage and memoryUsage (and the heap left after a full GC), its
 * event loop's delays and the refreshes since the last `usage`; `stop`.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import {
  BenchBackend,
  BenchBackendOptions,
  FLEET_TASK,
  STACK_TASK,
  startBenchBackend,
} from './backend';

export const REFRESH_SECONDS = 30;

export interface RefreshRecord {
  task: string;
  /** epoch ms */
  at: number;
  ms: number;
}

export type ToBackend =
  | { type: 'start'; options: BenchBackendOptions }
  | { type: 'usage'; gc?: boolean }
  | { type: 'stop' };

export type FromBackend =
  | { type: 'ready'; base: string; startupMs: number }
  | {
      type: 'usage';
      cpu: NodeJS.CpuUsage;
      memory: NodeJS.MemoryUsage;
      /** heapUsed after a full GC (the live heap), when the process runs with --expose-gc. */
      liveHeap?: number;
      /** How late the event loop ran, since the last `usage`, ms. */
      eventLoop: { p50: number; p99: number; max: number };
      refreshes: RefreshRecord[];
      /** Tasks running now (their records come with a later answer). */
      running: string[];
    }
  | { type: 'error'; message: string };

let backend: BenchBackend | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
const running = new Set<string>();
let refreshes: RefreshRecord[] = [];
/** Samples every 10 ms; a sample is the time between two, so the delay is that less 10 ms. */
const RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();

const send = (m: FromBackend) => process.send!(m);

async function refresh(task: string) {
  if (!backend || running.has(task)) return;
  running.add(task);
  const at = Date.now();
  try {
    const ms = await backend.refresh(task);
    // Read `refreshes` after the await: a `usage` meanwhile has replaced it.
    refreshes.push({ task, at, ms });
  } finally {
    running.delete(task);
  }
}

process.on('message', async (m: ToBackend) => {
  try {
    if (m.type === 'start') {
      const t = performance.now();
      // The scheduler runs both snapshots once at startup (awaited), as in production.
      backend = await startBenchBackend({ ...m.options, runAtStartup: true });
      timer = setInterval(() => {
        void refresh(FLEET_TASK);
        void refresh(STACK_TASK);
      }, REFRESH_SECONDS * 1000);
      send({
        type: 'ready',
        base: backend.base,
        startupMs: performance.now() - t,
      });
    } else if (m.type === 'usage') {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      if (m.gc) global.gc?.();
      const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
      const eventLoop = {
        p50: late(loop.percentile(50)),
        p99: late(loop.percentile(99)),
        max: late(loop.max),
      };
      loop.reset();
      send({
        type: 'usage',
        cpu,
        memory,
        liveHeap:
          m.gc && global.gc ? process.memoryUsage().heapUsed : undefined,
        eventLoop,
        refreshes,
        running: [...running],
      });
      refreshes = [];
    } else {
      if (timer) clearInterval(timer);
      await backend?.stop();
      process.exit(0);
    }
  } catch (e) {
    send({ type: 'error', message: String((e as Error)?.stack ?? e) });
  }
});
