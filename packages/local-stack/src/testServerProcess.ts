/**
 * What the test PostgreSQL and Redis share: a Debian server binary run as a direct child (so
 * `stop()` signals the server itself, not a wrapper), in a temporary folder, killed on `stop()`
 * and when the test process exits, and a readiness wait that reports the server's own log.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

/** A server binary (or the account to run it as) is missing: the message says what to run. */
export class MissingServerError extends Error {
  constructor(what: string) {
    super(
      `${what}: run bash scripts/setup.sh (as root it installs the Debian packages postgresql and redis-server)`,
    );
    this.name = 'MissingServerError';
  }
}

/** `uid`/`gid` to run a server as, or nothing to run it as the current user. */
export type RunAs = { uid: number; gid: number } | undefined;

/** The numeric ids of a local account, from /etc/passwd (undefined when there is none). */
export function accountIds(
  name: string,
  passwd = '/etc/passwd',
): { uid: number; gid: number } | undefined {
  const line = fs
    .readFileSync(passwd, 'utf8')
    .split('\n')
    .find(l => l.split(':')[0] === name);
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** Changes the owner of `dir` and everything in it. */
export function chownTree(dir: string, ids: { uid: number; gid: number }) {
  fs.chownSync(dir, ids.uid, ids.gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) chownTree(file, ids);
    else fs.chownSync(file, ids.uid, ids.gid);
  }
}

export interface ServerProcess {
  child: ChildProcess;
  /** Why it is not running (exit code, signal or spawn error), or undefined while it runs. */
  ended(): string | undefined;
  /** The last lines of the server's log, for an error message. */
  logTail(): string;
  /** Stops it with `signal`, SIGKILL after `graceMs`, and deletes `dir`. Idempotent. */
  stop(): Promise<void>;
}

const running = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Starts `command` with its output in `logFile`; `dir` is deleted when it stops. A server left
 * running by a failed test is killed (SIGKILL) when the test process exits.
 */
export function spawnServer(opts: {
  command: string;
  args: string[];
  logFile: string;
  dir: string;
  runAs?: RunAs;
  /** PostgreSQL: SIGINT is its fast shutdown (SIGTERM waits for clients to leave). */
  signal?: NodeJS.Signals;
  graceMs?: number;
}): ServerProcess {
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(opts.command, opts.args, {
    stdio: ['ignore', log, log],
    ...(opts.runAs ?? {}),
  });
  fs.closeSync(log);
  // A spawn error (e.g. EACCES) must not crash the test process: the readiness wait reports it.
  let spawnError: Error | undefined;
  child.on('error', e => {
    spawnError = e;
  });
  const ended = () => {
    if (spawnError) return spawnError.message;
    if (child.exitCode !== null) return `exit code ${child.exitCode}`;
    if (child.signalCode !== null) return `signal ${child.signalCode}`;
    return undefined;
  };
  const exited = new Promise<void>(resolve => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const killNow = () => {
    if (!ended()) child.kill('SIGKILL');
    fs.rmSync(opts.dir, { recursive: true, force: true });
  };
  running.add(killNow);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => running.forEach(kill => kill()));
  }
  let stopping: Promise<void> | undefined;
  return {
    child,
    ended,
    logTail: () => {
      try {
        return fs
          .readFileSync(opts.logFile, 'utf8')
          .trimEnd()
          .split('\n')
          .slice(-15)
          .join('\n');
      } catch {
        return '(no log)';
      }
    },
    stop: () => {
      stopping ??= (async () => {
        if (!ended()) {
          child.kill(opts.signal ?? 'SIGTERM');
          const timer = setTimeout(
            () => child.kill('SIGKILL'),
            opts.graceMs ?? 10_000,
          );
          await exited;
          clearTimeout(timer);
        }
        running.delete(killNow);
        fs.rmSync(opts.dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/**
 * Calls `ready` until it resolves true, the server exits or the deadline passes; the error
 * names the server and ends with its log.
 */
export async function waitUntilReady(
  name: string,
  server: ServerProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ended = server.ended();
    if (ended) {
      throw new Error(
        `${name} stopped while starting (${ended}):\n${server.logTail()}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new Error(
        `${name} did not accept connections within ${timeoutMs / 1000} s:\n${server.logTail()}`,
      );
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

/** Whether something accepts TCP connections on `127.0.0.1:<port>`. */
export function acceptsConnections(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(2000);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
