/**
 * One Redis command over a fresh connection (RESP2), for tests and readiness checks: enough of
 * the protocol for PING, SET, GET, DBSIZE and KEYS without a client library.
 */
import * as net from 'node:net';

export type RedisReply = string | number | null | RedisReply[];

/** A command's arguments as RESP: an array of bulk strings. */
export function encodeCommand(args: string[]): string {
  return `*${args.length}\r\n${args
    .map(a => `$${Buffer.byteLength(a)}\r\n${a}\r\n`)
    .join('')}`;
}

/**
 * Parses one reply from the start of `buf`: the reply and the bytes it used, or undefined when
 * `buf` does not hold a whole reply yet. An error reply (`-ERR ...`) throws.
 */
export function parseReply(
  buf: Buffer,
  at = 0,
): { reply: RedisReply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', at);
  if (eol < 0) return undefined;
  const type = String.fromCharCode(buf[at]);
  const line = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { reply: line, end: next };
    case '-':
      throw new Error(`redis: ${line}`);
    case ':':
      return { reply: Number(line), end: next };
    case '$': {
      const len = Number(line);
      if (len < 0) return { reply: null, end: next };
      if (buf.length < next + len + 2) return undefined;
      return {
        reply: buf.toString('utf8', next, next + len),
        end: next + len + 2,
      };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: RedisReply[] = [];
      let end = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, end);
        if (!item) return undefined;
        items.push(item.reply);
        end = item.end;
      }
      return { reply: items, end };
    }
    default:
      throw new Error(`redis: unexpected reply type ${JSON.stringify(type)}`);
  }
}

/**
 * Sends `args` to the Redis of `url` (`redis://:password@host:port`), authenticating first when
 * the URL has a password; resolves with the command's reply.
 */
export function redisCommand(
  url: string,
  args: string[],
  timeoutMs = 5000,
): Promise<RedisReply> {
  const { hostname, port, password, username } = new URL(url);
  const auth = password
    ? [
        username
          ? ['AUTH', decodeURIComponent(username), decodeURIComponent(password)]
          : ['AUTH', decodeURIComponent(password)],
      ]
    : [];
  const commands = [...auth, args];
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    const fail = (e: Error) => {
      socket.destroy();
      reject(e);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`redis: no answer within ${timeoutMs} ms`)),
    );
    socket.on('error', fail);
    let buf = Buffer.alloc(0);
    const replies: RedisReply[] = [];
    socket.on('data', chunk => {
      buf = Buffer.concat([buf, chunk]);
      try {
        for (;;) {
          const parsed = parseReply(buf);
          if (!parsed) return;
          replies.push(parsed.reply);
          buf = buf.subarray(parsed.end);
          if (replies.length === commands.length) {
            socket.end();
            resolve(replies[replies.length - 1]);
            return;
          }
        }
      } catch (e) {
        fail(e);
      }
    });
    socket.write(commands.map(encodeCommand).join(''));
  });
}
