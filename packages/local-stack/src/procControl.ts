/**
 * Starting and stopping one stack process through its pid file. A pid file is trusted only
 * while `/proc/<pid>/cmdline` still shows the expected executable and identity arguments, so
 * a recycled pid is never signalled.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackPaths } from './paths';
import { ProcessSpec } from './processes';

export function readPid(
  paths: StackPaths,
  spec: ProcessSpec,
): number | undefined {
  try {
    const pid = Number.parseInt(
      fs.readFileSync(paths.pid(spec.name), 'utf8').trim(),
      10,
    );
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
}

function cmdline(pid: number): string[] | undefined {
  try {
    const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    // A zombie (exited, not yet reaped) has an empty cmdline.
    return raw ? raw.replace(/\0$/, '').split('\0') : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a live process running `spec`. */
export function isOurProcess(pid: number, spec: ProcessSpec): boolean {
  const argv = cmdline(pid);
  if (!argv) return false;
  // The same basename is enough for argv[0] (another `node` on PATH may run the exporter).
  const sameCommand =
    argv[0] === spec.command ||
    path.basename(argv[0]) === path.basename(spec.command);
  return sameCommand && spec.identity.every(id => argv.includes(id));
}

/** The pid of the running process of `spec`, if its pid file points to one. */
export function runningPid(
  paths: StackPaths,
  spec: ProcessSpec,
): number | undefined {
  const pid = readPid(paths, spec);
  return pid !== undefined && isOurProcess(pid, spec) ? pid : undefined;
}

/**
 * Whether the running `pid` was started with other arguments than `spec` has now (a flag
 * changed in a newer checkout, e.g. the hub's retention): a reload would not apply them.
 */
export function argumentsChanged(pid: number, spec: ProcessSpec): boolean {
  const argv = cmdline(pid);
  if (!argv) return false;
  const running = argv.slice(1);
  return (
    running.length !== spec.args.length ||
    running.some((arg, i) => arg !== spec.args[i])
  );
}

/** Starts `spec` detached, output appended to its log file; writes and returns the pid. */
export function spawnProcess(paths: StackPaths, spec: ProcessSpec): number {
  for (const dir of [paths.logs, paths.pids, ...spec.dirs])
    fs.mkdirSync(dir, { recursive: true });
  const log = fs.openSync(paths.log(spec.name), 'a');
  try {
    fs.writeSync(
      log,
      `\n=== ${new Date().toISOString()} start: ${spec.command} ${spec.args.join(' ')}\n`,
    );
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', log, log],
      cwd: paths.dir,
      env: process.env,
    });
    if (child.pid === undefined)
      throw new Error(`could not start ${spec.command}`);
    child.on('error', () => {}); // reported through the log and the readiness wait
    child.unref();
    fs.writeFileSync(paths.pid(spec.name), `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(log);
  }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * SIGTERM, wait up to `graceMs` for the process to exit, then SIGKILL. Only a process the pid
 * file names and whose cmdline still matches is signalled. Removes the pid file.
 * Returns what happened, for the progress line.
 */
export async function stopProcess(
  paths: StackPaths,
  spec: ProcessSpec,
  graceMs = 10_000,
): Promise<'not running' | 'stopped' | 'killed'> {
  const pid = runningPid(paths, spec);
  let outcome: 'not running' | 'stopped' | 'killed' = 'not running';
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    outcome = 'stopped';
    const deadline = Date.now() + graceMs;
    while (isOurProcess(pid, spec)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        outcome = 'killed';
        while (isOurProcess(pid, spec)) await sleep(50);
        break;
      }
      await sleep(100);
    }
  }
  fs.rmSync(paths.pid(spec.name), { force: true });
  return outcome;
}

/** The last `lines` lines of the process's log, for error messages. */
export function logTail(
  paths: StackPaths,
  spec: ProcessSpec,
  lines = 20,
): string {
  try {
    const text = fs.readFileSync(paths.log(spec.name), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
