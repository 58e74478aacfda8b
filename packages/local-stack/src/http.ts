/**
 * Small HTTP helpers on `node:http` with `agent: false`, not `fetch`: Backstage's jest setup
 * (jestRejectNetworkRequests) blocks `fetch` and the global agents, and integration tests
 * call these through `startStack()`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';

export interface HttpResponse {
  status: number;
  body: string;
}

export function httpRequest(
  url: string,
  opts: {
    method?: string;
    auth?: { username: string; password: string };
    /** More request headers (`content-type` of a JSON body, a token's `authorization`). */
    headers?: Record<string, string>;
    timeoutMs?: number;
    body?: string;
    /** PEM file of the CA an https URL's certificate must chain to. */
    caFile?: string;
  } = {},
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) {
      const token = Buffer.from(
        `${opts.auth.username}:${opts.auth.password}`,
      ).toString('base64');
      headers.authorization = `Basic ${token}`;
    }
    const secure = url.startsWith('https:');
    const request = secure ? https.request : http.request;
    const req = request(
      url,
      {
        method: opts.method ?? 'GET',
        headers,
        agent: false,
        ...(secure && opts.caFile ? { ca: fs.readFileSync(opts.caFile) } : {}),
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 5000, () =>
      req.destroy(new Error(`timeout: ${url}`)),
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Whether `http://127.0.0.1:<port><path>` (https verified with `caFile` when given) answers 2xx. */
export async function answers(
  host: string,
  port: number,
  path: string,
  caFile?: string,
): Promise<boolean> {
  try {
    const scheme = caFile ? 'https' : 'http';
    const res = await httpRequest(`${scheme}://${host}:${port}${path}`, {
      timeoutMs: 2000,
      caFile,
    });
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** Whether anything accepts HTTP on the port at all (any status). */
export async function portInUse(host: string, port: number): Promise<boolean> {
  try {
    await httpRequest(`http://${host}:${port}/`, { timeoutMs: 2000 });
    return true;
  } catch (e) {
    return e.code !== 'ECONNREFUSED';
  }
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query; throws on a non-success answer (without echoing the body: see notes). */
export async function instantQuery(
  baseUrl: string,
  query: string,
  auth?: { username: string; password: string },
): Promise<PromSample[]> {
  const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(query)}`;
  const res = await httpRequest(url, { auth, timeoutMs: 10_000 });
  if (res.status !== 200) throw new Error(`query answered HTTP ${res.status}`);
  const parsed = JSON.parse(res.body);
  if (parsed.status !== 'success')
    throw new Error(`query status ${parsed.status}`);
  return parsed.data.result as PromSample[];
}

/** A free TCP port on 127.0.0.1 (for the test servers the tests start themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
