import http from 'http';
import { AddressInfo } from 'net';

export interface FakeRequest {
  method: string;
  path: string;
  /** The raw request body. */
  body: string;
  params: Record<string, string>;
  authorization?: string;
}

export interface FakeAnswer {
  status?: number;
  contentType?: string;
  body: string;
  delayMs?: number;
}

/**
 * A loopback HTTP server standing in for VMSelect (and vmalert, Alertmanager) in unit tests: answers are given per test,
 * requests are recorded. Integration tests use the real binaries instead.
 */
export async function startFakeVmSelect(
  answer: (req: FakeRequest) => FakeAnswer,
) {
  const requests: FakeRequest[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', c => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const form = req.headers['content-type']?.startsWith(
        'application/x-www-form-urlencoded',
      );
      const params = Object.fromEntries(
        new URLSearchParams(form ? raw : url.search.slice(1)).entries(),
      );
      const fake = {
        method: req.method ?? 'GET',
        path: url.pathname,
        body: raw,
        params,
        authorization: req.headers.authorization,
      };
      requests.push(fake);
      const a = answer(fake);
      setTimeout(() => {
        res.writeHead(a.status ?? 200, {
          'content-type': a.contentType ?? 'application/json',
        });
        res.end(a.body);
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A matrix answer with one series per environment, values `[t, "v"]`. */
export function matrix(
  series: Array<{ environment: string; values: Array<[number, string]> }>,
) {
  return JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: series.map(s => ({
        metric: { environment: s.environment },
        values: s.values,
      })),
    },
  });
}
