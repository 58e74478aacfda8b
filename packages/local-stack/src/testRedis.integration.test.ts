/**
 * The real Redis that tests start (Debian's redis-server): password required, no persistence,
 * the password kept off the command line, and nothing left behind by `stop()`.
 */
import * as fs from 'node:fs';
import { redisCommand } from './redisCommand';
import { startTestRedis, TestRedis } from './testRedis';
import { acceptsConnections } from './testServerProcess';

jest.setTimeout(30_000);

let redis: TestRedis;
let startMs: number;

beforeAll(async () => {
  const started = Date.now();
  redis = await startTestRedis();
  startMs = Date.now() - started;
});
afterAll(() => redis?.stop());

describe('startTestRedis', () => {
  it('starts a server on a free loopback port that answers SET and GET with the password', async () => {
    console.log(`Redis started in ${startMs} ms on port ${redis.port}`);
    expect(redis.url).toBe(
      `redis://:${redis.password}@127.0.0.1:${redis.port}`,
    );
    expect(await redisCommand(redis.url, ['SET', 'probe', 'value 1'])).toBe(
      'OK',
    );
    expect(await redisCommand(redis.url, ['GET', 'probe'])).toBe('value 1');
    expect(await redisCommand(redis.url, ['DBSIZE'])).toBe(1);
  });

  it('refuses a client without the password', async () => {
    await expect(
      redisCommand(`redis://127.0.0.1:${redis.port}`, ['GET', 'probe']),
    ).rejects.toThrow(/NOAUTH/);
    await expect(
      redisCommand(`redis://:wrong@127.0.0.1:${redis.port}`, ['PING']),
    ).rejects.toThrow(/WRONGPASS|invalid password/);
  });

  it('keeps nothing on disk and listens on loopback only', async () => {
    expect(await redisCommand(redis.url, ['CONFIG', 'GET', 'save'])).toEqual([
      'save',
      '',
    ]);
    expect(
      await redisCommand(redis.url, ['CONFIG', 'GET', 'appendonly']),
    ).toEqual(['appendonly', 'no']);
    expect(await redisCommand(redis.url, ['CONFIG', 'GET', 'bind'])).toEqual([
      'bind',
      '127.0.0.1',
    ]);
  });

  it('keeps the password off the command line (ps shows every argument)', async () => {
    const pid = Number(
      await redisCommand(redis.url, ['INFO', 'server']).then(
        info => /process_id:(\d+)/.exec(String(info))?.[1],
      ),
    );
    expect(pid).toBeGreaterThan(0);
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('redis');
    expect(cmdline).not.toContain(redis.password);
  });

  it('stops: the port is closed and its folder deleted', async () => {
    const second = await startTestRedis();
    expect(second.port).not.toBe(redis.port);
    expect(await acceptsConnections(second.port)).toBe(true);
    await second.stop();
    expect(await acceptsConnections(second.port)).toBe(false);
    expect(fs.existsSync(second.dir)).toBe(false);
    await second.stop();
    expect(await redisCommand(redis.url, ['PING'])).toBe('PONG');
  });
});
