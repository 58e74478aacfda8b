/**
 * Request and response helpers of the local forge, shaped like Gitea's: errors are JSON
 * `{ errors, message, url }` with the status Gitea uses for the same case.
 */
import * as http from 'node:http';

/** An error that becomes a Gitea-shaped JSON answer with this status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound = (what = "The target couldn't be found.") =>
  new HttpError(404, what);

/** Gitea's realm, so git clients show the usual credential prompt. */
export const BASIC_CHALLENGE = 'Basic realm="Gitea"';

export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Gitea's APIError body; `url` points at the API docs like Gitea's does. */
export function sendError(
  res: http.ServerResponse,
  baseUrl: string,
  status: number,
  message: string,
): void {
  if (status === 401) res.setHeader('www-authenticate', BASIC_CHALLENGE);
  sendJson(res, status, {
    errors: null,
    message,
    url: `${baseUrl}/api/swagger`,
  });
}

export function sendText(
  res: http.ServerResponse,
  status: number,
  text: string,
  contentType = 'text/plain;charset=utf-8',
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Pushes of rendered manifests are small; the cap only stops a runaway client. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, 'request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether the request carries a body (a length, or chunked). */
export function hasBody(req: http.IncomingMessage): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}

/**
 * `application/json`, parameters allowed. Matched on the media type itself (not "contains
 * json" like Gitea), since `text/plain;x=json` is still a CORS-safelisted type a page may send.
 */
export function isJsonContentType(header: string | undefined): boolean {
  return header?.split(';')[0].trim().toLowerCase() === 'application/json';
}

/** A JSON object body, or 422 like Gitea's binding errors. */
export async function readJsonObject(
  req: http.IncomingMessage,
): Promise<Record<string, unknown>> {
  const raw = (await readBody(req)).toString('utf8');
  let parsed: unknown;
  try {
    parsed = raw.trim() ? JSON.parse(raw) : {};
  } catch {
    throw new HttpError(422, 'the request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new HttpError(422, 'the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    c =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[
        c
      ]!,
  );
}
