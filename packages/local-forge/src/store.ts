/**
 * Where the forge keeps organisations and repositories (under the stack's data dir, by default
 * `.stack/forge/`):
 *
 *   ids.json                              the next numeric id (Gitea ids are integers)
 *   orgs/<org>.json                       one organisation
 *   repositories/<org>/<repo>.git/        a bare git repository, served by `git http-backend`
 *   repositories/<org>/<repo>.git/forge-repo.json   its Gitea metadata (description, private, ...)
 *
 * Names are case-insensitive like Gitea's: directories use the lower-case name, the JSON keeps
 * the name as created.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Repo } from './git';
import { HttpError } from './responses';

export interface OrgRecord {
  id: number;
  name: string;
  fullName: string;
  description: string;
  visibility: 'public' | 'limited' | 'private';
  created: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  description: string;
  private: boolean;
  defaultBranch: string;
  created: string;
  updated: string;
}

/** Gitea's user/org name rule (alphanumerics, `-`, `_`, `.`; no leading/trailing punctuation). */
export const ORG_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38}[A-Za-z0-9])?$/;
/** Gitea's repository name rule (alpha-dash-dot, at most 100). */
export const REPO_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
/** Names Gitea reserves for repositories. */
const RESERVED_REPO = /^(\.|\.\.|-)$|\.(git|wiki|rss|atom)$/i;

const META_FILE = 'forge-repo.json';

/** Gitea's timestamps: RFC 3339 in whole seconds. */
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Write-then-rename, so a crash never leaves half a file. */
function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  fs.renameSync(tmp, file);
}

export class ForgeStore {
  readonly repositoriesDir: string;
  private readonly orgsDir: string;

  constructor(readonly root: string) {
    this.repositoriesDir = path.join(root, 'repositories');
    this.orgsDir = path.join(root, 'orgs');
    fs.mkdirSync(this.repositoriesDir, { recursive: true });
    fs.mkdirSync(this.orgsDir, { recursive: true });
  }

  private nextId(): number {
    const file = path.join(this.root, 'ids.json');
    const next = readJson<{ next: number }>(file)?.next ?? 1;
    writeJson(file, { next: next + 1 });
    return next;
  }

  getOrg(name: string): OrgRecord | undefined {
    if (!ORG_NAME.test(name)) return undefined;
    return readJson<OrgRecord>(
      path.join(this.orgsDir, `${name.toLowerCase()}.json`),
    );
  }

  createOrg(input: {
    name: string;
    fullName?: string;
    description?: string;
    visibility?: OrgRecord['visibility'];
  }): OrgRecord {
    if (!ORG_NAME.test(input.name)) {
      throw new HttpError(422, `invalid organization name: ${input.name}`);
    }
    if (this.getOrg(input.name)) {
      throw new HttpError(422, `user already exists [name: ${input.name}]`);
    }
    const org: OrgRecord = {
      id: this.nextId(),
      name: input.name,
      fullName: input.fullName ?? '',
      description: input.description ?? '',
      visibility: input.visibility ?? 'public',
      created: now(),
    };
    writeJson(path.join(this.orgsDir, `${org.name.toLowerCase()}.json`), org);
    return org;
  }

  /** Creates the organisation unless it exists (for the orgs the stack seeds). */
  ensureOrg(name: string): OrgRecord {
    return this.getOrg(name) ?? this.createOrg({ name });
  }

  gitDir(owner: string, name: string): string {
    return path.join(
      this.repositoriesDir,
      owner.toLowerCase(),
      `${name.toLowerCase()}.git`,
    );
  }

  /** The path `git http-backend` gets below GIT_PROJECT_ROOT. */
  projectPath(owner: string, name: string): string {
    return `/${owner.toLowerCase()}/${name.toLowerCase()}.git`;
  }

  repo(record: RepoRecord): Repo {
    return new Repo(this.gitDir(record.owner, record.name), this.root);
  }

  getRepo(owner: string, name: string): RepoRecord | undefined {
    if (!ORG_NAME.test(owner) || !REPO_NAME.test(name)) return undefined;
    return readJson<RepoRecord>(path.join(this.gitDir(owner, name), META_FILE));
  }

  async createRepo(
    owner: OrgRecord,
    input: {
      name: string;
      description?: string;
      private?: boolean;
      defaultBranch?: string;
    },
  ): Promise<RepoRecord> {
    if (!REPO_NAME.test(input.name) || RESERVED_REPO.test(input.name)) {
      throw new HttpError(
        422,
        `repository name is invalid [name: ${input.name}]`,
      );
    }
    if (this.getRepo(owner.name, input.name)) {
      throw new HttpError(
        409,
        'The repository with the same name already exists.',
      );
    }
    const created = now();
    const record: RepoRecord = {
      id: this.nextId(),
      owner: owner.name,
      name: input.name,
      description: input.description ?? '',
      private: input.private ?? false,
      defaultBranch: input.defaultBranch || 'main',
      created,
      updated: created,
    };
    const dir = this.gitDir(owner.name, input.name);
    await Repo.initBare(dir, this.root, record.defaultBranch);
    writeJson(path.join(dir, META_FILE), record);
    return record;
  }

  deleteRepo(record: RepoRecord): void {
    fs.rmSync(this.gitDir(record.owner, record.name), {
      recursive: true,
      force: true,
    });
  }

  /**
   * After a push: like Gitea, a repository whose default branch does not exist takes the first
   * pushed branch as its default.
   */
  async afterPush(record: RepoRecord): Promise<void> {
    const repo = this.repo(record);
    const branches = await repo.branches();
    const updated: RepoRecord = { ...record, updated: now() };
    if (branches.length > 0 && !branches.includes(record.defaultBranch)) {
      updated.defaultBranch = branches[0];
      await repo.setHeadBranch(branches[0]);
    }
    writeJson(
      path.join(this.gitDir(record.owner, record.name), META_FILE),
      updated,
    );
  }
}
