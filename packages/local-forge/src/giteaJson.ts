/**
 * Gitea API objects (Organization, User, Repository, ContentsResponse, Commit) built from the
 * forge's records, with the fields of Gitea's swagger definitions that a client of this subset
 * reads. Links use the forge's base URL like Gitea's ROOT_URL.
 */
import { CommitInfo, TreeEntry } from './git';
import { OrgRecord, RepoRecord } from './store';

export function orgJson(org: OrgRecord) {
  return {
    id: org.id,
    name: org.name,
    username: org.name, // deprecated alias Gitea still sends
    full_name: org.fullName,
    email: '',
    avatar_url: '',
    description: org.description,
    website: '',
    location: '',
    visibility: org.visibility,
    repo_admin_change_team_access: false,
  };
}

/** Gitea's `User` object, which is also how it shows an organisation as a repository owner. */
export function userJson(
  id: number,
  login: string,
  fullName = '',
  isAdmin = false,
) {
  return {
    id,
    login,
    login_name: '',
    full_name: fullName,
    email: '',
    avatar_url: '',
    language: '',
    is_admin: isAdmin,
    visibility: 'public',
    username: login,
  };
}

export function repoJson(
  baseUrl: string,
  org: OrgRecord,
  repo: RepoRecord,
  opts: { empty: boolean; signedIn: boolean },
) {
  const fullName = `${org.name}/${repo.name}`;
  return {
    id: repo.id,
    owner: userJson(org.id, org.name, org.fullName),
    name: repo.name,
    full_name: fullName,
    description: repo.description,
    empty: opts.empty,
    private: repo.private,
    fork: false,
    template: false,
    mirror: false,
    archived: false,
    internal: false,
    size: 0,
    html_url: `${baseUrl}/${fullName}`,
    url: `${baseUrl}/api/v1/repos/${fullName}`,
    clone_url: `${baseUrl}/${fullName}.git`,
    ssh_url: '', // the forge serves git over HTTP only
    website: '',
    default_branch: repo.defaultBranch,
    created_at: repo.created,
    updated_at: repo.updated,
    // The forge has a single user, who owns every organisation.
    permissions: { admin: opts.signedIn, push: opts.signedIn, pull: true },
  };
}

/** One entry of `GET /repos/{owner}/{repo}/contents/{path}`: files carry base64 content. */
export function contentsJson(
  baseUrl: string,
  fullName: string,
  ref: string,
  refIsBranch: boolean,
  lastCommit: string,
  entry: TreeEntry,
  content?: Buffer,
) {
  const api = `${baseUrl}/api/v1/repos/${fullName}`;
  let type = 'submodule';
  if (entry.type === 'blob')
    type = entry.mode === '120000' ? 'symlink' : 'file';
  else if (entry.type === 'tree') type = 'dir';
  const web = refIsBranch ? `branch/${ref}` : `commit/${lastCommit}`;
  const self = `${api}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.sha}`;
  const html = `${baseUrl}/${fullName}/src/${web}/${entry.path}`;
  return {
    name: entry.path.split('/').pop(),
    path: entry.path,
    sha: entry.sha,
    last_commit_sha: lastCommit,
    type,
    size: entry.size,
    encoding: content ? 'base64' : null,
    content: content ? content.toString('base64') : null,
    target: null,
    url: self,
    html_url: html,
    git_url: git,
    download_url:
      type === 'file'
        ? `${baseUrl}/${fullName}/raw/${web}/${entry.path}`
        : null,
    submodule_git_url: null,
    _links: { self, git, html },
  };
}

export function commitJson(baseUrl: string, fullName: string, c: CommitInfo) {
  const api = `${baseUrl}/api/v1/repos/${fullName}`;
  const person = (p: CommitInfo['author']) => ({
    name: p.name,
    email: p.email,
    date: p.date,
  });
  return {
    url: `${api}/git/commits/${c.sha}`,
    sha: c.sha,
    created: c.committer.date,
    html_url: `${baseUrl}/${fullName}/commit/${c.sha}`,
    commit: {
      url: `${api}/git/commits/${c.sha}`,
      author: person(c.author),
      committer: person(c.committer),
      message: c.message,
      tree: {
        url: `${api}/git/trees/${c.tree}`,
        sha: c.tree,
        created: c.committer.date,
      },
      verification: null,
    },
    author: null, // no forge accounts behind commit e-mail addresses
    committer: null,
    parents: c.parents.map(sha => ({
      url: `${api}/git/commits/${sha}`,
      sha,
      created: '',
    })),
  };
}
