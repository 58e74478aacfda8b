/**
 * Faults on purpose, for the fault tests: stop, SIGKILL and restart one process of a running
 * stack, through the same pid files and process specs `start` uses.
 */
import { HOST } from './endpoints';
import { answers } from './http';
import { stackPaths, StackPaths } from './paths';
import { runningPid, spawnProcess, stopProcess } from './procControl';
import { ProcessSpec, processSpecs } from './processes';
import { waitUntil } from './wait';

function specOf(paths: StackPaths, name: string): ProcessSpec {
  const spec = processSpecs(paths).find(s => s.name === name);
  if (!spec) throw new Error(`the stack has no process "${name}"`);
  return spec;
}

export interface StackProcessControl {
  /** SIGTERM (then SIGKILL after the grace period), as `stop` does. */
  stop(name: string): Promise<void>;
  /** SIGKILL at once: no shutdown, no flushing. */
  kill(name: string): Promise<void>;
  /** Starts it again and resolves once it answers its health path. */
  start(name: string, timeoutMs?: number): Promise<void>;
  isRunning(name: string): boolean;
}

export function stackProcessControl(
  opts: { dir?: string } = {},
): StackProcessControl {
  const paths = stackPaths(opts.dir);
  return {
    async stop(name) {
      await stopProcess(paths, specOf(paths, name));
    },
    async kill(name) {
      const spec = specOf(paths, name);
      const pid = runningPid(paths, spec);
      if (pid === undefined) throw new Error(`${name} is not running`);
      process.kill(pid, 'SIGKILL');
      await waitUntil(
        `${name} to exit`,
        async () => runningPid(paths, spec) === undefined || 'alive',
        {
          deadline: Date.now() + 10_000,
          intervalMs: 50,
        },
      );
    },
    async start(name, timeoutMs = 30_000) {
      const spec = specOf(paths, name);
      if (runningPid(paths, spec) === undefined) spawnProcess(paths, spec);
      await waitUntil(
        `${name} to answer`,
        async () =>
          (await answers(HOST, spec.port, spec.healthPath, spec.healthCa)) ||
          'no answer',
        { deadline: Date.now() + timeoutMs, intervalMs: 250 },
      );
    },
    isRunning(name) {
      return runningPid(paths, specOf(paths, name)) !== undefined;
    },
  };
}
