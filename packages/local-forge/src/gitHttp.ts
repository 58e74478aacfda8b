/**
 * Git over smart HTTP, served by the real `git http-backend` as a CGI program: the forge checks
 * access like Gitea does, then hands the request to git with the CGI environment
 * (GIT_PROJECT_ROOT, GIT_HTTP_EXPORT_ALL, PATH_INFO, REMOTE_USER, ...) and streams its answer.
 *
 * Access, as Gitea's `httpBase`: anonymous clone of a public repository in a public
 * organisation is allowed; anything else without credentials is 401 with a Basic challenge
 * (git then asks for credentials); a push to a repository that does not exist is 403 (no
 * push-to-create for organisations).
 */
import { spawn } from 'node:child_process';
import { canReadRepo, ForgeRequest } from './access';
import { gitEnv } from './git';
import { BASIC_CHALLENGE, readBody, sendText } from './responses';

/** `/{owner}/{repo}[.git]/{info/refs|git-upload-pack|git-receive-pack|HEAD}` */
export const GIT_PATH =
  /^\/([^/]+)\/([^/]+?)(?:\.git)?\/(info\/refs|git-upload-pack|git-receive-pack|HEAD)$/;

function isPush(r: ForgeRequest, action: string): boolean {
  return (
    action === 'git-receive-pack' ||
    (action === 'info/refs' &&
      r.url.searchParams.get('service') === 'git-receive-pack')
  );
}

export async function handleGit(
  r: ForgeRequest,
  owner: string,
  name: string,
  action: string,
): Promise<void> {
  const push = isPush(r, action);
  const org = r.store.getOrg(owner);
  const record = org ? r.store.getRepo(owner, name) : undefined;
  const anonymousPull =
    !push && !!org && !!record && canReadRepo(r, org, record);
  if (!anonymousPull && !r.user) {
    r.res.setHeader('www-authenticate', BASIC_CHALLENGE);
    sendText(r.res, 401, 'Unauthorized\n');
    return;
  }
  if (!record) {
    if (push)
      sendText(
        r.res,
        403,
        'Push to create is not enabled for organizations.\n',
      );
    else sendText(r.res, 404, 'Repository not found\n');
    return;
  }
  const body = r.req.method === 'POST' ? await readBody(r.req) : undefined;
  await runHttpBackend(r, {
    pathInfo: `${r.store.projectPath(record.owner, record.name)}/${action}`,
    body,
    // Before the response ends, so the pusher sees the result when its push returns.
    beforeEnd: async status => {
      if (action === 'git-receive-pack' && status < 300)
        await r.store.afterPush(record);
    },
  });
}

/** Runs `git http-backend` for one request; resolves with the status it answered. */
function runHttpBackend(
  r: ForgeRequest,
  opts: {
    pathInfo: string;
    body?: Buffer;
    beforeEnd: (status: number) => Promise<void>;
  },
): Promise<number> {
  const { req, res } = r;
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(', ') : v;
  };
  const env: NodeJS.ProcessEnv = {
    ...gitEnv(r.store.root),
    GIT_PROJECT_ROOT: r.store.repositoriesDir,
    GIT_HTTP_EXPORT_ALL: '1', // every repository here is served; access is checked above
    PATH_INFO: opts.pathInfo,
    QUERY_STRING: r.url.search.replace(/^\?/, ''),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: header('content-type') ?? '',
    REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
    SERVER_PROTOCOL: `HTTP/${req.httpVersion}`,
    GATEWAY_INTERFACE: 'CGI/1.1',
  };
  // http-backend enables receive-pack only for an authenticated REMOTE_USER.
  if (r.user) env.REMOTE_USER = r.user;
  // The body is read whole, so its exact length is known even for chunked uploads.
  if (opts.body) env.CONTENT_LENGTH = String(opts.body.length);
  const encoding = header('content-encoding');
  if (encoding) env.HTTP_CONTENT_ENCODING = encoding; // git sends gzip request bodies
  const protocol = header('git-protocol');
  if (protocol) env.HTTP_GIT_PROTOCOL = protocol; // protocol v2

  return new Promise(resolve => {
    const child = spawn('git', ['http-backend'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let head = Buffer.alloc(0);
    let status = 0;
    let stderr = '';
    child.stderr.on('data', c => {
      stderr = (stderr + c.toString('utf8')).slice(-2000);
    });
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = findHeaderEnd(head);
      if (!end) return;
      child.stdout.off('data', onData);
      status = writeCgiHead(res, head.subarray(0, end.at).toString('latin1'));
      res.write(head.subarray(end.at + end.length));
      child.stdout.pipe(res, { end: false });
    };
    child.stdout.on('data', onData);
    child.on('error', () => {
      if (!res.headersSent)
        sendText(res, 500, 'git http-backend could not run\n');
      resolve(500);
    });
    child.on('close', code => {
      if (!status) {
        // http-backend died before answering; its stderr names the cause, never a credential.
        console.error(
          `git http-backend exited ${code} for ${opts.pathInfo}: ${stderr.trim()}`,
        );
        if (!res.headersSent) sendText(res, 500, 'git http-backend failed\n');
        resolve(500);
        return;
      }
      opts.beforeEnd(status).then(
        () => res.end(),
        err => {
          console.error(`forge: after ${opts.pathInfo}: ${err.message}`);
          res.end();
        },
      );
      resolve(status);
    });
    child.stdin.on('error', () => {}); // the backend may exit before reading everything
    child.stdin.end(opts.body);
  });
}

function findHeaderEnd(
  buf: Buffer,
): { at: number; length: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, length: 4 };
  if (lf >= 0) return { at: lf, length: 2 };
  return undefined;
}

/** Writes the CGI response headers (a `Status:` line sets the status); returns the status. */
function writeCgiHead(res: ForgeRequest['res'], head: string): number {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key.toLowerCase() === 'status')
      status = Number.parseInt(value, 10) || 500;
    else headers[key] = value;
  }
  res.writeHead(status, headers);
  return status;
}
