/**
 * For the production configuration's test: the local stack's environment (read the way the
 * browser tests read it), and the real backend started as production runs it - NODE_ENV
 * production, app-config.yaml with app-config.production.yaml on top, every setting the overlay
 * reads from the environment - in its own process group, logging to a file.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import {
  clusterEnvSuffix,
  httpRequest,
  stackPaths,
} from '@internal/monitoring-local-stack';

/** The repository's root (this file is packages/backend/src/__testUtils__/productionBackend.ts). */
// eslint-disable-next-line no-restricted-syntax -- a test helper run from the repository
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/**
 * `npm run -s stack -- env --json` of this checkout, after checking a stack was started from
 * its data dir (`$MONITORING_STACK_DIR` or `<repo>/.stack`: another worktree's tests point it at
 * the running stack's dir) and that its hub answers. Throws with what to do: the test fails
 * rather than skip when the stack is not there.
 */
export async function readStackEnv(): Promise<Record<string, string>> {
  const paths = stackPaths();
  if (!fs.existsSync(paths.marker)) {
    throw new Error(
      `No local stack in ${paths.dir}: start it with \`npm run stack -- start\` (npm test does), or set MONITORING_STACK_DIR to a running stack's data dir (e.g. another worktree's .stack).`,
    );
  }
  const run = spawnSync('npm', ['run', '-s', 'stack', '--', 'env', '--json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0) {
    throw new Error(
      `\`npm run -s stack -- env --json\` failed (${run.error?.message ?? `exit ${run.status}`}): is the local stack started (npm run stack -- start)?\n${run.stderr}`,
    );
  }
  const env: Record<string, string> = JSON.parse(run.stdout);
  if (!env.MONITORING_KUBE_CA_DATA) {
    throw new Error(
      `The local stack in ${paths.dir} has no clusters' CA yet: start it with \`npm run stack -- start\`.`,
    );
  }
  const hub = await httpRequest(
    `${env.MONITORING_VMSELECT_URL}/api/v1/query?query=1`,
    {
      auth: {
        username: env.MONITORING_VMSELECT_USERNAME,
        password: env.MONITORING_VMSELECT_PASSWORD,
      },
    },
  ).catch(e => ({ status: 0, body: String(e.message) }));
  if (hub.status !== 200) {
    throw new Error(
      `The local stack's hub does not answer (${hub.status || hub.body}): start it with \`npm run stack -- start\`.`,
    );
  }
  return env;
}

/**
 * The variables app-config.production.yaml reads, for a backend on `port` against the local
 * stack: its clusters' URLs and (shared) CA per cluster, its hub, Gitea and tokens.
 */
export function productionEnv(opts: {
  stack: Record<string, string>;
  port: number;
  postgres: { host: string; port: number; user: string; password: string };
  redisUrl: string;
}): Record<string, string> {
  const { stack, port, postgres } = opts;
  const baseUrl = `http://127.0.0.1:${port}`;
  const clusters: Record<string, string> = JSON.parse(
    stack.MONITORING_KUBE_CLUSTERS,
  );
  return {
    ...stack,
    NODE_ENV: 'production',
    APP_BASE_URL: baseUrl,
    BACKEND_BASE_URL: baseUrl,
    BACKEND_LISTEN_HOST: '127.0.0.1',
    BACKEND_LISTEN_PORT: String(port),
    POSTGRES_HOST: postgres.host,
    POSTGRES_PORT: String(postgres.port),
    POSTGRES_USER: postgres.user,
    POSTGRES_PASSWORD: postgres.password,
    REDIS_URL: opts.redisUrl,
    MONITORING_VMUI_URL: `${stack.MONITORING_VM_DIRECT_URL}/vmui`,
    ...Object.fromEntries(
      Object.entries(clusters).flatMap(([name, url]) => [
        [`MONITORING_KUBE_URL_${clusterEnvSuffix(name)}`, url],
        [
          `MONITORING_KUBE_CA_DATA_${clusterEnvSuffix(name)}`,
          stack.MONITORING_KUBE_CA_DATA,
        ],
      ]),
    ),
  };
}

export interface RunningBackend {
  url: string;
  /** Milliseconds from spawn to the readiness endpoint's first 200. */
  startMs: number;
  logFile: string;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group, as a node failure ends it; resolves once it exited. */
  kill(): Promise<void>;
}

/** Ends the process group: SIGTERM, then SIGKILL after `graceMs`. */
async function stopGroup(child: ChildProcess, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts packages/backend from source the way `backstage-cli package start` runs it (node with
 * Backstage's transform, in packages/backend so the catalog's relative locations resolve), with
 * only `env` from the test (no inherited APP_CONFIG_* overrides), and waits for readiness.
 */
export async function startProductionBackend(opts: {
  env: Record<string, string>;
  port: number;
  logFile: string;
  timeoutMs?: number;
}): Promise<RunningBackend> {
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const log = fs.openSync(opts.logFile, 'w');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !k.startsWith('APP_CONFIG_') && !k.startsWith('JEST_'),
    ),
  ) as Record<string, string>;
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--enable-source-maps',
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      '../../app-config.yaml',
      '--config',
      '../../app-config.production.yaml',
    ],
    {
      cwd: path.join(REPO_ROOT, 'packages/backend'),
      env: {
        ...inherited,
        ...opts.env,
        ESBK_TSCONFIG_PATH: path.join(REPO_ROOT, 'tsconfig.json'),
      },
      detached: true, // its own process group, stopped as one
      stdio: ['ignore', log, log],
    },
  );
  fs.closeSync(log);
  const killAtExit = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killAtExit);
  const stop = async () => {
    await stopGroup(child);
    process.removeListener('exit', killAtExit);
  };
  const url = `http://127.0.0.1:${opts.port}`;
  const deadline = started + (opts.timeoutMs ?? 180_000);
  const where = `see ${path.relative(REPO_ROOT, opts.logFile)}`;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the backend exited while starting (${child.exitCode ?? child.signalCode}); ${where}`,
        );
      }
      // A failed start-up is logged, but the process stays up (never ready): stop waiting.
      if (
        fs.readFileSync(opts.logFile, 'utf8').includes('BackendStartupError')
      ) {
        throw new Error(`the backend's start-up failed; ${where}`);
      }
      const ready = await httpRequest(`${url}/.backstage/health/v1/readiness`, {
        timeoutMs: 2000,
      }).catch(() => undefined);
      if (ready?.status === 200) break;
      if (Date.now() > deadline) {
        throw new Error(
          `the backend was not ready within ${(opts.timeoutMs ?? 180_000) / 1000} s; ${where}`,
        );
      }
      await new Promise(r => setTimeout(r, 500));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    killAtExit();
    await exited;
    process.removeListener('exit', killAtExit);
  };
  return {
    url,
    startMs: Date.now() - started,
    logFile: opts.logFile,
    stop,
    kill,
  };
}

/** The headers oauth2-proxy sets (--pass-user-headers) for a signed-in user. */
export const proxyHeaders = (user: string) => ({
  'x-forwarded-user': user,
  'x-forwarded-email': `${user}@example.com`,
  'x-forwarded-preferred-username': user,
});

/** Retries `get` until `done` holds (the catalog ingests the examples after start-up). */
export async function eventually<T>(
  get: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise(r => setTimeout(r, 1000));
  }
}

/** The snapshot times of `what`'s refreshes a replica logged (JSON log lines in production). */
export function refreshLines(logFile: string, what: string): string[] {
  const prefix = `monitoring: refreshed ${what} snapshot taken at `;
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .flatMap(line => {
      const at = line.indexOf(prefix);
      return at < 0 ? [] : [line.slice(at + prefix.length).split(' ')[0]];
    });
}

/** The Content-Encoding a GET answers a client that accepts gzip with. */
export function contentEncoding(
  url: string,
  token: string,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      {
        agent: false,
        headers: {
          authorization: `Bearer ${token}`,
          'accept-encoding': 'gzip',
        },
      },
      res => {
        res.resume();
        res.on('end', () => resolve(res.headers['content-encoding']));
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout: ${url}`)));
  });
}
