/**
 * A real Redis for a test, on a free loopback port in a temporary folder: Debian's
 * `redis-server`, no persistence, a generated password (in its config file, not on the command
 * line). Well under a second to start; `stop()` stops exactly its server and deletes the folder.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './http';
import { redisCommand } from './redisCommand';
import {
  MissingServerError,
  spawnServer,
  waitUntilReady,
} from './testServerProcess';

export interface TestRedis {
  /** `redis://:<password>@127.0.0.1:<port>`: `backend.cache.connection`. */
  url: string;
  port: number;
  password: string;
  /** The folder of its config and log (deleted by `stop()`). */
  dir: string;
  stop(): Promise<void>;
}

/** `redis-server` from PATH (Debian: /usr/bin). */
export function redisServerBinary(pathEnv = process.env.PATH ?? ''): string {
  for (const dir of pathEnv.split(':')) {
    const file = path.join(dir || '.', 'redis-server');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not in this folder
    }
  }
  throw new MissingServerError('redis-server is not on PATH');
}

export async function startTestRedis(
  opts: { timeoutMs?: number } = {},
): Promise<TestRedis> {
  const bin = redisServerBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-test-'));
  const port = await freePort();
  const password = randomBytes(24).toString('hex');
  const config = path.join(dir, 'redis.conf');
  fs.writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      // A cache for one test: nothing is written to disk.
      `save ""`,
      'appendonly no',
      `dir ${dir}`,
      'daemonize no',
      `requirepass ${password}`,
    ].join('\n'),
    { mode: 0o600 },
  );
  const server = spawnServer({
    command: bin,
    args: [config],
    logFile: path.join(dir, 'redis.log'),
    dir,
  });
  const url = `redis://:${password}@127.0.0.1:${port}`;
  try {
    await waitUntilReady(
      'redis-server',
      server,
      async () => (await redisCommand(url, ['PING'], 2000)) === 'PONG',
      opts.timeoutMs ?? 15_000,
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return { url, port, password, dir, stop: server.stop };
}
