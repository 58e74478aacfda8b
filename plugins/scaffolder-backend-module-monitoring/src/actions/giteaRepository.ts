/**
 * A Gitea repository of `integrations.gitea` as `monitoring:gitea:pull-request` reaches it: the
 * host, owner, name and credentials of a `repoUrl` (refused with an `InputError` before any
 * call), and its API called as the integration's user.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@backstage/errors';
import {
  GiteaIntegrationConfig,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { parseRepoUrl } from '@backstage/plugin-scaffolder-node';

/** A branch name git accepts, without the forms that could mean something else. */
export const BRANCH =
  /^(?!-)(?!.*\.\.)(?!.*\/\/)(?!.*(^|\/)\.)(?!.*\.lock(\/|$))(?!.*\/$)[A-Za-z0-9._\-/]{1,200}$/;
/** A relative folder inside the repository. */
export const REPO_PATH =
  /^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._\-/]{1,500}$/;
/** Owners and repository names as Gitea allows them. */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export interface GiteaTarget {
  host: string;
  owner: string;
  repo: string;
  integration: GiteaIntegrationConfig;
  /** Its web and git URL (`integrations.gitea[].baseUrl`), without a trailing slash. */
  baseUrl: string;
  auth: { username: string; password: string };
}

/** Host, owner, repository and credentials of `repoUrl`: `InputError`s before any call. */
export function giteaTarget(
  repoUrl: string,
  integrations: ScmIntegrationRegistry,
): GiteaTarget {
  const { host, owner, repo } = parseRepoUrl(repoUrl, integrations);
  const integration = integrations.gitea.byHost(host)?.config;
  if (!integration)
    throw new InputError(
      `repoUrl's host ${host} is not a Gitea host of integrations.gitea`,
    );
  if (!owner || !NAME.test(owner))
    throw new InputError(
      'repoUrl needs an owner (host?owner=<user or organisation>&repo=<name>)',
    );
  if (!NAME.test(repo))
    throw new InputError(`repoUrl's repo is not a Gitea repository name`);
  const { username, password } = integration;
  if (!username || !password)
    throw new InputError(
      `integrations.gitea for ${host} needs username and password (an access token as the password) to push and open a pull request`,
    );
  const baseUrl = (integration.baseUrl ?? `https://${host}`).replace(
    /\/+$/,
    '',
  );
  return {
    host,
    owner,
    repo,
    integration,
    baseUrl,
    auth: { username, password },
  };
}

/** Every file below `dir` (relative, `/`-separated), skipping `.git`. */
export async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(dir, rel), {
    withFileTypes: true,
  });
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const p = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, p)));
    else if (entry.isFile()) out.push(p);
  }
  return out;
}

/**
 * Calls Gitea's API as the integration's user. Errors name the call and the status only: never
 * the answer's body (it may echo the request) nor the credentials.
 */
export class GiteaApi {
  constructor(private readonly t: GiteaTarget) {}

  private get base() {
    return `${this.t.baseUrl}/api/v1`;
  }

  async call(
    method: string,
    apiPath: string,
    body?: unknown,
  ): Promise<{ status: number; json: any }> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${apiPath}`, {
        method,
        headers: {
          authorization: `basic ${Buffer.from(`${this.t.auth.username}:${this.t.auth.password}`).toString('base64')}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      const code = e?.cause?.code ?? e?.code ?? e?.name ?? 'network error';
      throw new Error(
        `could not reach Gitea at ${this.t.host} for ${method} ${apiPath} (${code})`,
      );
    }
    if (res.status === 401)
      throw new InputError(
        `Gitea at ${this.t.host} refused the credentials of integrations.gitea (401 on ${method} ${apiPath})`,
      );
    let json: any;
    if (res.headers.get('content-type')?.includes('application/json'))
      json = await res.json().catch(() => undefined);
    else await res.arrayBuffer().catch(() => undefined);
    return { status: res.status, json };
  }

  unexpected(method: string, apiPath: string, status: number): Error {
    return new Error(
      `Gitea at ${this.t.host} answered ${status} to ${method} ${apiPath}`,
    );
  }
}
