/**
 * The few web pages of the forge, at Gitea's paths:
 *
 *   /{owner}/{repo}                                  the repository (its default branch)
 *   /{owner}/{repo}/src/branch/{branch}/{path}       a directory listing or a file
 *   /{owner}/{repo}/src/commit/{sha}/{path}          the same at a commit
 *   /{owner}/{repo}/raw/{branch|commit}/{ref}/{path} the file itself
 *
 * `publish:gitea` polls `/src/branch/{branch}` (anonymously) until the pushed branch shows, and
 * the template's output links to it. A branch name may hold slashes: the longest existing
 * branch that prefixes the rest of the path wins, as in Gitea.
 */
import { ForgeRequest, findRepo, segment } from './access';
import { Repo } from './git';
import { escapeHtml, notFound, sendText } from './responses';
import { RepoRecord } from './store';

export const WEB_PATH =
  /^\/([^/]+)\/([^/]+)(?:\/(src|raw)\/(branch|commit)\/(.+))?\/?$/;

async function splitRef(
  repo: Repo,
  kind: string,
  rest: string,
): Promise<{ ref: string; commit: string; path: string }> {
  const parts = rest.split('/').map(segment);
  if (kind === 'commit') {
    const commit = await repo.resolveCommit(parts[0]);
    if (!commit) throw notFound();
    return { ref: parts[0], commit, path: parts.slice(1).join('/') };
  }
  const branches = new Set(await repo.branches());
  for (let n = parts.length; n > 0; n--) {
    const ref = parts.slice(0, n).join('/');
    if (branches.has(ref)) {
      return {
        ref,
        commit: (await repo.resolveCommit(ref))!,
        path: parts.slice(n).join('/'),
      };
    }
  }
  throw notFound();
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
    `<body style="font-family:sans-serif;max-width:60em;margin:2em auto">${body}</body></html>\n`
  );
}

export async function handleWeb(
  r: ForgeRequest,
  match: RegExpExecArray,
): Promise<void> {
  const [, rawOwner, rawName, view, kind, rest] = match;
  const { record } = findRepo(r, segment(rawOwner), segment(rawName));
  const repo = r.store.repo(record);
  const fullName = `${record.owner}/${record.name}`;
  const cloneUrl = `${r.baseUrl}/${fullName}.git`;

  let target: { ref: string; commit: string; path: string; kind: string };
  if (view) {
    target = { ...(await splitRef(repo, kind, rest)), kind };
  } else {
    const commit = await repo.resolveCommit(record.defaultBranch);
    if (!commit) {
      const text = `<h1>${escapeHtml(fullName)}</h1><p>This repository is empty. Push to <code>${escapeHtml(cloneUrl)}</code>.</p>`;
      sendText(r.res, 200, page(fullName, text), 'text/html;charset=utf-8');
      return;
    }
    target = { ref: record.defaultBranch, commit, path: '', kind: 'branch' };
  }

  const entry = target.path
    ? (await repo.lsTree(target.commit, target.path, false))[0]
    : undefined;
  if (target.path && !entry) throw notFound();
  if (view === 'raw') {
    if (!entry || entry.type !== 'blob') throw notFound();
    sendText(r.res, 200, (await repo.readBlob(entry.sha)).toString('utf8'));
    return;
  }
  const body = await render(
    r,
    record,
    repo,
    target,
    entry?.type === 'blob' ? entry.sha : undefined,
  );
  sendText(
    r.res,
    200,
    page(`${fullName}: ${target.path || '/'}`, body),
    'text/html;charset=utf-8',
  );
}

async function render(
  r: ForgeRequest,
  record: RepoRecord,
  repo: Repo,
  t: { ref: string; commit: string; path: string; kind: string },
  blobSha: string | undefined,
): Promise<string> {
  const fullName = `${record.owner}/${record.name}`;
  const base = `${r.baseUrl}/${fullName}/src/${t.kind}/${t.kind === 'commit' ? t.commit : t.ref}`;
  const heading =
    `<h1><a href="${escapeHtml(`${r.baseUrl}/${fullName}`)}">${escapeHtml(fullName)}</a></h1>` +
    `<p>${escapeHtml(record.description)}</p>` +
    `<p>${escapeHtml(t.kind)} <code>${escapeHtml(t.ref)}</code> at <code>${t.commit.slice(0, 10)}</code>; ` +
    `clone <code>${escapeHtml(`${r.baseUrl}/${fullName}.git`)}</code></p>` +
    `<h2>/${escapeHtml(t.path)}</h2>`;
  if (blobSha) {
    const text = (await repo.readBlob(blobSha)).toString('utf8');
    return `${heading}<pre>${escapeHtml(text)}</pre>`;
  }
  const entries = await repo.lsTree(t.commit, t.path, true);
  const items = entries
    .map(e => {
      const name = e.path.split('/').pop()!;
      const href = `${base}/${e.path.split('/').map(encodeURIComponent).join('/')}`;
      return `<li><a href="${escapeHtml(href)}">${escapeHtml(name)}${e.type === 'tree' ? '/' : ''}</a></li>`;
    })
    .join('');
  return `${heading}<ul>${items}</ul>`;
}
