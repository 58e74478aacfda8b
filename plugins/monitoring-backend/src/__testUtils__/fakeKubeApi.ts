import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import path from 'node:path';

export interface FakeKubeRequest {
  path: string;
  query: URLSearchParams;
  authorization?: string;
}

export interface FakeKubeAnswer {
  status?: number;
  body?: unknown;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer. */
  hang?: boolean;
}

const TLS_DIR = path.join(__dirname, '..', '__fixtures__', 'tls');
/** A fixture file of `__fixtures__/tls` (test-only certificates). */
export const tlsFixture = (name: string) =>
  fs.readFileSync(path.join(TLS_DIR, name), 'utf8');
/** `caData` as the Kubernetes plugin's config holds it: base64 of the PEM. */
export const caDataOf = (name: string) =>
  Buffer.from(tlsFixture(name)).toString('base64');

/** The path of a plural of the operator's group. */
export const pluralPath = (plural: string) =>
  `/apis/operator.victoriametrics.com/v1beta1/${plural}`;

/** A list as the API server answers it. */
export const list = (kind: string, items: unknown[], cont?: string) => ({
  apiVersion: 'operator.victoriametrics.com/v1beta1',
  kind: `${kind}List`,
  metadata: { resourceVersion: '42', ...(cont ? { continue: cont } : {}) },
  items,
});

/** The API server's answer for a resource type it does not know. */
export const NOT_FOUND: FakeKubeAnswer = {
  status: 404,
  body: {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    message: 'the server could not find the requested resource',
    reason: 'NotFound',
    code: 404,
  },
};

/**
 * A loopback server standing in for a cluster's Kubernetes API (http, or https with the fixture
 * certificate signed by `ca.pem`): answers are given per test, requests recorded. By default a
 * path it is not told about is a 404, as for a CRD that is not installed.
 */
export async function startFakeKubeApi(
  answer: (req: FakeKubeRequest) => FakeKubeAnswer | undefined,
  options: { tls?: boolean } = {},
) {
  const requests: FakeKubeRequest[] = [];
  // Requests being answered, by their path's first segment (a cluster's prefix, or `apis`).
  const inFlight = new Map<string, number>();
  let maxGroups = 0;
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fake = {
      path: url.pathname,
      query: url.searchParams,
      authorization: req.headers.authorization,
    };
    requests.push(fake);
    const a = answer(fake) ?? NOT_FOUND;
    if (a.hang) return;
    const group = url.pathname.split('/')[1];
    inFlight.set(group, (inFlight.get(group) ?? 0) + 1);
    maxGroups = Math.max(maxGroups, inFlight.size);
    setTimeout(() => {
      const left = inFlight.get(group)! - 1;
      if (left) inFlight.set(group, left);
      else inFlight.delete(group);
      res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body ?? {}));
    }, a.delayMs ?? 0);
  };
  const server = options.tls
    ? https.createServer(
        { cert: tlsFixture('server.pem'), key: tlsFixture('server-key.pem') },
        handler,
      )
    : http.createServer(handler);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    /**
     * The most path prefixes (first segments: one per cluster served under its own prefix)
     * with requests being answered at once; hanging requests are not counted.
     */
    maxPrefixesInFlight: () => maxGroups,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
