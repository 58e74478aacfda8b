/**
 * The subset of the Gitea REST API (`/api/v1`) that Backstage's built-in Gitea pieces call,
 * plus the few calls a person or a test needs around them:
 *
 *   publish:gitea          GET  /orgs/{org}, POST /orgs/{org}/repos  (then git push, see gitHttp)
 *   GiteaUrlReader         GET  /repos/{owner}/{repo}/contents/{path}?ref=   (readUrl, search:
 *                               what the catalog uses for a registered catalog-info.yaml)
 *                          GET  /repos/{owner}/{repo}/git/commits/{ref}      (readTree etag)
 *                          GET  /repos/{owner}/{repo}/archive/{ref}.tar.gz   (readTree)
 *   around them            GET  /version, GET /user, POST /orgs, GET|DELETE /repos/{owner}/{repo}
 *
 * Status codes follow Gitea: 201 on create, 204 on delete, 401 without credentials, 404 for
 * what does not exist (or is private and the caller anonymous), 409 for an existing repository,
 * 422 for invalid input (and for a body that is not `application/json`), 405 for a known path
 * with another method.
 */
import {
  ForgeRequest,
  findOrg,
  findRepo,
  requireUser,
  segment,
} from './access';
import { isSafeRef } from './git';
import {
  commitJson,
  contentsJson,
  orgJson,
  repoJson,
  userJson,
} from './giteaJson';
import {
  hasBody,
  HttpError,
  isJsonContentType,
  notFound,
  readJsonObject,
  sendJson,
} from './responses';

type Handler = (r: ForgeRequest, params: string[]) => Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** What the forge reports as its Gitea version: the API level it follows, marked as this forge. */
export const GITEA_API_VERSION = '1.21.0+local-forge';

const str = (v: unknown, field: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string')
    throw new HttpError(422, `[${field}]: must be a string`);
  return v;
};

const routes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/version$/,
    handler: async r => sendJson(r.res, 200, { version: GITEA_API_VERSION }),
  },
  {
    method: 'GET',
    pattern: /^\/user$/,
    handler: async r =>
      sendJson(r.res, 200, userJson(1, requireUser(r), '', true)),
  },
  {
    method: 'POST',
    pattern: /^\/orgs$/,
    handler: async r => {
      requireUser(r);
      const body = await readJsonObject(r.req);
      const name = str(body.username, 'UserName');
      if (!name) throw new HttpError(422, '[UserName]: Required');
      const visibility = str(body.visibility, 'Visibility') ?? 'public';
      if (!['public', 'limited', 'private'].includes(visibility)) {
        throw new HttpError(
          422,
          '[Visibility]: must be public, limited or private',
        );
      }
      const org = r.store.createOrg({
        name,
        fullName: str(body.full_name, 'FullName'),
        description: str(body.description, 'Description'),
        visibility: visibility as 'public',
      });
      sendJson(r.res, 201, orgJson(org));
    },
  },
  {
    method: 'GET',
    pattern: /^\/orgs\/([^/]+)$/,
    handler: async (r, [org]) => sendJson(r.res, 200, orgJson(findOrg(r, org))),
  },
  {
    method: 'POST',
    pattern: /^\/orgs\/([^/]+)\/repos$/,
    handler: async (r, [orgName]) => {
      requireUser(r);
      const org = findOrg(r, orgName);
      const body = await readJsonObject(r.req);
      const name = str(body.name, 'Name');
      if (!name) throw new HttpError(422, '[Name]: Required');
      if (body.auto_init === true) {
        throw new HttpError(
          422,
          'auto_init is not supported by the local forge: push the first commit',
        );
      }
      const defaultBranch = str(body.default_branch, 'DefaultBranch');
      if (defaultBranch && !isSafeRef(defaultBranch)) {
        throw new HttpError(422, `invalid default branch: ${defaultBranch}`);
      }
      const record = await r.store.createRepo(org, {
        name,
        description: str(body.description, 'Description'),
        private: body.private === true,
        defaultBranch,
      });
      sendJson(
        r.res,
        201,
        repoJson(r.baseUrl, org, record, { empty: true, signedIn: true }),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
    handler: async (r, [owner, name]) => {
      const { org, record } = findRepo(r, owner, name);
      const empty = await r.store.repo(record).isEmpty();
      sendJson(
        r.res,
        200,
        repoJson(r.baseUrl, org, record, { empty, signedIn: !!r.user }),
      );
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/repos\/([^/]+)\/([^/]+)$/,
    handler: async (r, [owner, name]) => {
      requireUser(r);
      r.store.deleteRepo(findRepo(r, owner, name).record);
      r.res.writeHead(204).end();
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/contents(?:\/(.*))?$/,
    handler: async (r, [owner, name, rawPath]) => {
      const { record } = findRepo(r, owner, name);
      const repo = r.store.repo(record);
      const ref = r.url.searchParams.get('ref') || record.defaultBranch;
      const commit = await repo.resolveCommit(ref);
      if (!commit)
        throw notFound(`object does not exist [id: , rel_path: ${ref}]`);
      const path = (rawPath ?? '').replace(/\/+$/, '');
      const refIsBranch = (await repo.branches()).includes(ref);
      const entry = path
        ? (await repo.lsTree(commit, path, false))[0]
        : undefined;
      if (path && !entry)
        throw notFound(
          `object does not exist [id: ${commit}, rel_path: ${path}]`,
        );
      const fullName = `${record.owner}/${record.name}`;
      if (entry && entry.type !== 'tree') {
        const content =
          entry.type === 'blob' ? await repo.readBlob(entry.sha) : undefined;
        sendJson(
          r.res,
          200,
          contentsJson(
            r.baseUrl,
            fullName,
            ref,
            refIsBranch,
            commit,
            entry,
            content,
          ),
        );
        return;
      }
      // A directory (or the root) lists its entries, without content, like Gitea.
      const entries = await repo.lsTree(commit, path, true);
      sendJson(
        r.res,
        200,
        entries.map(e =>
          contentsJson(r.baseUrl, fullName, ref, refIsBranch, commit, e),
        ),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/git\/commits\/([^/]+)$/,
    handler: async (r, [owner, name, ref]) => {
      const { record } = findRepo(r, owner, name);
      const repo = r.store.repo(record);
      const commit = await repo.resolveCommit(ref);
      if (!commit) throw notFound(`commit does not exist [id: ${ref}]`);
      const info = await repo.commitInfo(commit);
      sendJson(
        r.res,
        200,
        commitJson(r.baseUrl, `${record.owner}/${record.name}`, info),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/repos\/([^/]+)\/([^/]+)\/archive\/(.+)\.(tar\.gz|zip)$/,
    handler: async (r, [owner, name, ref, format]) => {
      const { record } = findRepo(r, owner, name);
      const repo = r.store.repo(record);
      const commit = await repo.resolveCommit(ref);
      if (!commit) throw notFound(`ref does not exist [name: ${ref}]`);
      const child = repo.archive(
        commit,
        format as 'tar.gz' | 'zip',
        record.name,
      );
      r.res.writeHead(200, {
        'content-type':
          format === 'zip' ? 'application/zip' : 'application/gzip',
        'content-disposition': `attachment; filename="${record.name}-${ref.replace(/\//g, '-')}.${format}"`,
      });
      child.stdout.pipe(r.res);
      await new Promise<void>(resolve => child.on('close', () => resolve()));
    },
  },
];

/** Methods Gitea binds a body for even when none is sent. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Only JSON bodies: a page on another origin can send `text/plain` or form bodies without a
 * CORS preflight (and the browser may add cached Basic credentials), but not
 * `application/json`. 422 with the message of Gitea's binding error.
 */
function requireJsonBody(r: ForgeRequest): void {
  const method = r.req.method ?? 'GET';
  if (!BODY_METHODS.has(method) && !hasBody(r.req)) return;
  if (!isJsonContentType(r.req.headers['content-type'])) {
    throw new HttpError(422, '[]: Unsupported Content-Type');
  }
}

/** Serves `/api/v1/...`; `apiPath` is the part after `/api/v1`. */
export async function handleApi(
  r: ForgeRequest,
  apiPath: string,
): Promise<void> {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(apiPath);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== r.req.method) continue;
    requireJsonBody(r);
    await route.handler(
      r,
      m.slice(1).map(p => (p === undefined ? p : segment(p))),
    );
    return;
  }
  if (pathMatched) throw new HttpError(405, 'Method Not Allowed');
  throw notFound();
}
