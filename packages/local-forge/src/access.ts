/**
 * Who may see what, with Gitea's defaults: public repositories of public organisations are
 * readable anonymously; private repositories, and everything in a `limited` or `private`
 * organisation, answer 404 to anonymous callers (their existence is not revealed); every write
 * needs the signed-in user, who owns every organisation of this single-user forge.
 */
import * as http from 'node:http';
import { HttpError, notFound } from './responses';
import { ForgeStore, OrgRecord, RepoRecord } from './store';

export interface ForgeRequest {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  baseUrl: string;
  store: ForgeStore;
  /** The signed-in user, if the request carried valid credentials. */
  user?: string;
}

export function requireUser(r: ForgeRequest): string {
  if (!r.user) throw new HttpError(401, 'token is required');
  return r.user;
}

/** Gitea: anonymous callers see public organisations only (`limited` needs a signed-in user). */
export function canSeeOrg(r: ForgeRequest, org: OrgRecord): boolean {
  return org.visibility === 'public' || !!r.user;
}

/** A public repository is hidden with its organisation, as in Gitea. */
export function canReadRepo(
  r: ForgeRequest,
  org: OrgRecord,
  record: RepoRecord,
): boolean {
  return canSeeOrg(r, org) && (!record.private || !!r.user);
}

export function findOrg(r: ForgeRequest, name: string): OrgRecord {
  const org = r.store.getOrg(name);
  if (!org || !canSeeOrg(r, org)) {
    throw notFound(`org does not exist [name: ${name}]`);
  }
  return org;
}

export function findRepo(
  r: ForgeRequest,
  owner: string,
  name: string,
): { org: OrgRecord; record: RepoRecord } {
  const org = r.store.getOrg(owner);
  const record = org && r.store.getRepo(owner, name);
  if (!org || !record || !canReadRepo(r, org, record)) {
    throw notFound(`repository does not exist [name: ${owner}/${name}]`);
  }
  return { org, record };
}

/** Decodes one path segment; a malformed escape is a 404 like an unknown path. */
export function segment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw notFound();
  }
}
