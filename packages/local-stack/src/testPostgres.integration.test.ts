/**
 * The real PostgreSQL that tests start (Debian's server binaries): password authentication,
 * loopback only, real queries, and nothing left behind by `stop()`.
 */
import * as fs from 'node:fs';
import { Client } from 'pg';
import { startTestPostgres, TestPostgres } from './testPostgres';
import { accountIds, acceptsConnections } from './testServerProcess';

jest.setTimeout(60_000);

let pg: TestPostgres;
let startMs: number;

beforeAll(async () => {
  const started = Date.now();
  pg = await startTestPostgres();
  startMs = Date.now() - started;
});
afterAll(() => pg?.stop());

const connect = async (password = pg.password, database = 'postgres') => {
  const client = new Client({ ...pg.connection, password, database });
  await client.connect();
  return client;
};

describe('startTestPostgres', () => {
  it('starts a server on a free loopback port that asks for the generated password', async () => {
    console.log(`PostgreSQL started in ${startMs} ms on port ${pg.port}`);
    expect(pg.host).toBe('127.0.0.1');
    expect(pg.connection).toEqual({
      host: '127.0.0.1',
      port: pg.port,
      user: pg.user,
      password: pg.password,
    });
    await expect(connect('not-the-password')).rejects.toThrow(
      /password authentication failed/,
    );
    const client = await connect();
    try {
      const settings = await client.query(
        "SELECT current_setting('listen_addresses') AS listen, current_setting('fsync') AS fsync, current_setting('password_encryption') AS enc, rolsuper FROM pg_roles WHERE rolname = current_user",
      );
      expect(settings.rows).toEqual([
        {
          listen: '127.0.0.1',
          fsync: 'off',
          enc: 'scram-sha-256',
          rolsuper: true,
        },
      ]);
    } finally {
      await client.end();
    }
  });

  it('runs real statements, and lets its user create databases (Backstage makes one per plugin)', async () => {
    const client = await connect();
    try {
      await client.query('CREATE DATABASE backstage_plugin_probe');
    } finally {
      await client.end();
    }
    const probe = await connect(pg.password, 'backstage_plugin_probe');
    try {
      await probe.query('CREATE TABLE t (id serial PRIMARY KEY, name text)');
      await probe.query("INSERT INTO t (name) VALUES ('a'), ('b')");
      const rows = await probe.query('SELECT name FROM t ORDER BY id');
      expect(rows.rows.map(r => r.name)).toEqual(['a', 'b']);
    } finally {
      await probe.end();
    }
  });

  it('runs as the postgres account when the tests run as root (initdb refuses root)', async () => {
    const expected =
      process.getuid?.() === 0
        ? accountIds('postgres')!.uid
        : process.getuid?.();
    const client = await connect();
    try {
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
      // The server process serving this connection, as the kernel sees it.
      const status = fs.readFileSync(`/proc/${rows[0].pid}/status`, 'utf8');
      expect(Number(/^Uid:\s+(\d+)/m.exec(status)?.[1])).toBe(expected);
      expect(fs.statSync(pg.dir).uid).toBe(expected);
    } finally {
      await client.end();
    }
  });

  it('stops: the port is closed and its folder deleted', async () => {
    const second = await startTestPostgres();
    expect(second.port).not.toBe(pg.port);
    expect(await acceptsConnections(second.port)).toBe(true);
    const started = Date.now();
    await second.stop();
    console.log(`PostgreSQL stopped in ${Date.now() - started} ms`);
    expect(await acceptsConnections(second.port)).toBe(false);
    expect(fs.existsSync(second.dir)).toBe(false);
    // The first one is untouched, and a second stop() is harmless.
    await second.stop();
    expect(await acceptsConnections(pg.port)).toBe(true);
  });
});
