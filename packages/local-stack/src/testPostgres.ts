/**
 * A real PostgreSQL for a test, on a free loopback port in a temporary folder: Debian's server
 * binaries (`initdb`, `postgres`), a fresh cluster with one superuser and a generated password
 * (scram-sha-256, also for local sockets), tuned for speed over durability (fsync off). About a
 * second to start. `stop()` stops exactly its server and deletes the folder.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './http';
import {
  accountIds,
  chownTree,
  MissingServerError,
  RunAs,
  spawnServer,
  waitUntilReady,
} from './testServerProcess';

/** Connection settings of a test PostgreSQL, in the shape of `backend.database.connection`. */
export interface TestPostgresConnection {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface TestPostgres extends TestPostgresConnection {
  /** The database that exists from the start (`postgres`). */
  database: string;
  connection: TestPostgresConnection;
  /** The folder of its cluster, socket and log (deleted by `stop()`). */
  dir: string;
  stop(): Promise<void>;
}

const isExecutable = (file: string) => {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The folder with `initdb` and `postgres`: the newest /usr/lib/postgresql/<major>/bin (Debian
 * keeps them off PATH), else the folder of an `initdb` on PATH.
 */
export function postgresBinDir(
  opts: { debianRoot?: string; pathEnv?: string } = {},
): string {
  const root = opts.debianRoot ?? '/usr/lib/postgresql';
  const has = (dir: string) =>
    isExecutable(path.join(dir, 'initdb')) &&
    isExecutable(path.join(dir, 'postgres'));
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter(v => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const dir = path.join(root, major, 'bin');
    if (has(dir)) return dir;
  }
  for (const dir of (opts.pathEnv ?? process.env.PATH ?? '').split(':')) {
    if (dir && has(dir)) return dir;
  }
  throw new MissingServerError(
    `PostgreSQL's initdb and postgres are not in ${root}/*/bin nor on PATH`,
  );
}

/**
 * initdb and postgres refuse to run as root: then they run as the `postgres` account the
 * Debian package creates, which must own their folder.
 */
function serverAccount(): RunAs {
  if (process.getuid?.() !== 0) return undefined;
  const ids = accountIds('postgres');
  if (!ids) {
    throw new MissingServerError(
      'running as root, PostgreSQL needs the account `postgres` to run as, and there is none',
    );
  }
  return ids;
}

export async function startTestPostgres(
  opts: { timeoutMs?: number } = {},
): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const runAs = serverAccount();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postgres-test-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const pwFile = path.join(dir, 'pw');
  const user = 'backstage';
  const password = randomBytes(24).toString('base64url');
  fs.mkdirSync(socketDir);
  fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (runAs) chownTree(dir, runAs);

  const init = spawnSync(
    path.join(bin, 'initdb'),
    [
      '--pgdata',
      data,
      '--username',
      user,
      '--pwfile',
      pwFile,
      '--auth',
      'scram-sha-256',
      '--encoding',
      'UTF8',
      '--locale',
      'C',
      '--no-sync',
    ],
    { encoding: 'utf8', ...(runAs ?? {}) },
  );
  fs.rmSync(pwFile, { force: true });
  if (init.status !== 0) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `initdb failed (${init.error?.message ?? `exit ${init.status}`}):\n${init.stderr}`,
    );
  }

  const port = await freePort();
  const server = spawnServer({
    command: path.join(bin, 'postgres'),
    args: [
      '-D',
      data,
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      '-k',
      socketDir,
      // A throwaway cluster: durability is not worth the disk flushes.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      // Backstage opens a pool per plugin (its own database each).
      '-c',
      'max_connections=200',
    ],
    logFile: path.join(dir, 'postgres.log'),
    dir,
    runAs,
    signal: 'SIGINT',
  });
  const connection = { host: '127.0.0.1', port, user, password };
  try {
    await waitUntilReady(
      'postgres',
      server,
      async () => {
        const client = new Client({
          ...connection,
          database: 'postgres',
          connectionTimeoutMillis: 2000,
        });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => {});
        }
      },
      opts.timeoutMs ?? 30_000,
    );
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    ...connection,
    database: 'postgres',
    connection,
    dir,
    stop: server.stop,
  };
}
