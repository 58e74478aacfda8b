/**
 * The pure parts of the test PostgreSQL and Redis: finding the binaries (and saying what to run
 * when they are missing), reading an account, and the Redis protocol.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { encodeCommand, parseReply } from './redisCommand';
import { postgresBinDir } from './testPostgres';
import { redisServerBinary } from './testRedis';
import { accountIds, MissingServerError } from './testServerProcess';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'test-servers-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const executable = (file: string) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
};

describe("PostgreSQL's binaries", () => {
  it('are taken from the newest /usr/lib/postgresql/<major>/bin that has initdb and postgres', () => {
    for (const major of ['9.6', '15', '16'])
      for (const bin of ['initdb', 'postgres'])
        executable(path.join(tmp, major, 'bin', bin));
    // 17 is half installed (no server binary): skipped.
    executable(path.join(tmp, '17', 'bin', 'initdb'));
    expect(postgresBinDir({ debianRoot: tmp, pathEnv: '' })).toBe(
      path.join(tmp, '16', 'bin'),
    );
  });

  it('fall back to PATH, and otherwise say to run the setup', () => {
    const onPath = path.join(tmp, 'usr-local-bin');
    for (const bin of ['initdb', 'postgres'])
      executable(path.join(onPath, bin));
    const noDebian = path.join(tmp, 'none');
    expect(
      postgresBinDir({ debianRoot: noDebian, pathEnv: `/nowhere:${onPath}` }),
    ).toBe(onPath);
    const missing = () => postgresBinDir({ debianRoot: noDebian, pathEnv: '' });
    expect(missing).toThrow(MissingServerError);
    expect(missing).toThrow(/run bash scripts\/setup\.sh/);
  });
});

describe('redis-server', () => {
  it('is found on PATH, and otherwise the error says to run the setup', () => {
    executable(path.join(tmp, 'bin', 'redis-server'));
    expect(redisServerBinary(`/nowhere:${tmp}/bin`)).toBe(
      path.join(tmp, 'bin', 'redis-server'),
    );
    expect(() => redisServerBinary('/nowhere')).toThrow(
      'redis-server is not on PATH: run bash scripts/setup.sh',
    );
  });
});

describe('accountIds', () => {
  it("reads an account's uid and gid from a passwd file", () => {
    const passwd = path.join(tmp, 'passwd');
    fs.writeFileSync(
      passwd,
      'root:x:0:0:root:/root:/bin/bash\npostgres:x:101:104:PostgreSQL:/var/lib/postgresql:/bin/bash\n',
    );
    expect(accountIds('postgres', passwd)).toEqual({ uid: 101, gid: 104 });
    expect(accountIds('postgre', passwd)).toBeUndefined();
  });
});

describe('the Redis protocol', () => {
  const reply = (text: string) => parseReply(Buffer.from(text))?.reply;

  it('sends a command as an array of bulk strings (byte lengths, so UTF-8 and spaces are safe)', () => {
    expect(encodeCommand(['SET', 'k y', 'é'])).toBe(
      '*3\r\n$3\r\nSET\r\n$3\r\nk y\r\n$2\r\né\r\n',
    );
  });

  it('reads simple, integer, bulk, null and nested array replies', () => {
    expect(reply('+PONG\r\n')).toBe('PONG');
    expect(reply(':42\r\n')).toBe(42);
    expect(reply('$5\r\nhe\r\nl\r\n')).toBe('he\r\nl');
    expect(reply('$-1\r\n')).toBeNull();
    expect(reply('*2\r\n$1\r\na\r\n*1\r\n:1\r\n')).toEqual(['a', [1]]);
  });

  it('waits for a whole reply, and throws on an error reply', () => {
    expect(parseReply(Buffer.from('$5\r\nhel'))).toBeUndefined();
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n'))).toBeUndefined();
    expect(parseReply(Buffer.from('+OK'))).toBeUndefined();
    expect(() => reply('-NOAUTH Authentication required.\r\n')).toThrow(
      'redis: NOAUTH Authentication required.',
    );
    // Two replies in one buffer: the first one's end is where the second starts.
    expect(parseReply(Buffer.from('+OK\r\n+PONG\r\n'))).toEqual({
      reply: 'OK',
      end: 5,
    });
  });
});
