/**
 * The local forge: a small HTTP server on loopback that speaks the subset of the Gitea API
 * Backstage's built-in Gitea pieces use (see giteaApi.ts) and serves real git repositories
 * through `git http-backend` (see gitHttp.ts), so templates can run `publish:gitea` and
 * `catalog:register` for real without a Gitea binary or network access.
 *
 * Development only: one user with a generated password, bound to 127.0.0.1 by the stack.
 */
import * as http from 'node:http';
import { ForgeRequest, segment } from './access';
import { authenticate, ForgeUser } from './auth';
import { handleApi } from './giteaApi';
import { GIT_PATH, handleGit } from './gitHttp';
import { HttpError, sendError, sendJson } from './responses';
import { ForgeStore } from './store';
import { handleWeb, WEB_PATH } from './web';

export interface ForgeOptions {
  /** Data dir: organisations and bare repositories (see store.ts). */
  root: string;
  /**
   * The URL clients reach the forge at, used in API links (Gitea's ROOT_URL); default: the
   * address the request came in on (so a test can listen on port 0).
   */
  baseUrl?: string;
  user: ForgeUser;
  /** Organisations to create at start-up if missing. */
  orgs?: string[];
  /** One line per request (method, path, status, user): never headers or bodies. */
  log?: (line: string) => void;
}

export function createForgeServer(opts: ForgeOptions): http.Server {
  const store = new ForgeStore(opts.root);
  for (const org of opts.orgs ?? []) store.ensureOrg(org);
  const log = opts.log ?? (() => {});

  return http.createServer((req, res) => {
    const started = Date.now();
    const baseUrl = opts.baseUrl?.replace(/\/+$/, '') ?? localUrl(req);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', baseUrl);
    } catch {
      // e.g. `GET http://[ HTTP/1.1`: a throw here would end the whole process.
      sendError(res, baseUrl, 400, 'malformed request target');
      return;
    }
    if (!isOwnHost(req, opts.baseUrl)) {
      // DNS rebinding: a page whose name now resolves to loopback would be same-origin with
      // the forge, and could read private repositories with the browser's cached credentials.
      log(
        `${req.method} ${url.pathname} 421 host=${JSON.stringify(req.headers.host ?? '')}`,
      );
      sendError(res, baseUrl, 421, 'the Host header does not name this forge');
      return;
    }
    const auth = authenticate(req.headers.authorization, opts.user);
    const r: ForgeRequest = {
      req,
      res,
      url,
      baseUrl,
      store,
      user: auth.kind === 'user' ? auth.name : undefined,
    };
    res.on('finish', () =>
      log(
        `${req.method} ${url.pathname} ${res.statusCode} ${Date.now() - started}ms user=${r.user ?? '-'}`,
      ),
    );
    route(r, auth.kind === 'invalid').catch(err => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500)
        console.error(
          `forge: ${req.method} ${url.pathname}: ${err.stack ?? err}`,
        );
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message =
        status === 500 ? 'internal error of the local forge' : err.message;
      sendError(res, baseUrl, status, message);
    });
  });
}

function localUrl(req: http.IncomingMessage): string {
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  const host = localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${host}:${localPort}`;
}

/**
 * Whether `Host` names the forge: the host:port of its base URL or of the address the request
 * came in on, or `localhost` with that port (a name only the machine itself resolves).
 */
function isOwnHost(
  req: http.IncomingMessage,
  baseUrl: string | undefined,
): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  const own = new Set([
    new URL(localUrl(req)).host,
    new URL(`http://localhost:${req.socket.localPort}`).host,
  ]);
  if (baseUrl) own.add(new URL(baseUrl).host);
  return own.has(host);
}

async function route(r: ForgeRequest, badCredentials: boolean): Promise<void> {
  const path = r.url.pathname;
  if (path === '/api/healthz') {
    // Gitea's health check; answers without credentials.
    sendJson(r.res, 200, {
      status: 'pass',
      description: 'local forge (Gitea API subset)',
    });
    return;
  }
  // Like Gitea: wrong credentials are refused even where anonymous access would do.
  if (badCredentials)
    throw new HttpError(401, 'user does not exist or password is wrong');
  if (path.startsWith('/api/v1/')) {
    await handleApi(r, path.slice('/api/v1'.length));
    return;
  }
  const git = GIT_PATH.exec(path);
  if (git) {
    await handleGit(r, segment(git[1]), segment(git[2]), git[3]);
    return;
  }
  const web =
    !path.startsWith('/api/') && r.req.method === 'GET'
      ? WEB_PATH.exec(path)
      : null;
  if (web) {
    await handleWeb(r, web);
    return;
  }
  throw new HttpError(404, "The target couldn't be found.");
}
