/**
 * The `git` commands the forge runs on its bare repositories: argv only (never a shell), refs
 * and paths checked first, and a minimal environment so no user or system git config applies.
 */
import { spawn } from 'node:child_process';
import { HttpError } from './responses';

export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** No user or system config, no prompts, C locale for parseable output. */
export function gitEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    LANG: 'C',
    LC_ALL: 'C',
  };
}

export function runGit(
  args: string[],
  opts: { home: string; gitDir?: string; input?: Buffer },
): Promise<GitResult> {
  const argv = opts.gitDir ? [`--git-dir=${opts.gitDir}`, ...args] : args;
  return new Promise((resolve, reject) => {
    const child = spawn('git', argv, {
      env: gitEnv(opts.home),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', c => out.push(c));
    child.stderr.on('data', c => err.push(c));
    child.on('error', reject);
    child.on('close', code =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8').slice(-2000),
      }),
    );
    child.stdin.end(opts.input);
  });
}

/** Branch, tag or commit names the forge accepts (no option-like or `..` names). */
export function isSafeRef(ref: string): boolean {
  return (
    /^[A-Za-z0-9._/-]{1,200}$/.test(ref) &&
    !ref.startsWith('-') &&
    !ref.startsWith('/') &&
    !ref.includes('..') &&
    !ref.endsWith('.lock')
  );
}

/** A path inside a repository: relative, no `.`/`..` segments. */
export function isSafeRepoPath(p: string): boolean {
  return (
    !p.includes('\0') &&
    p.split('/').every(s => s !== '.' && s !== '..') &&
    !p.startsWith('/')
  );
}

export class Repo {
  constructor(
    readonly gitDir: string,
    readonly home: string,
  ) {}

  private git(args: string[]) {
    return runGit(args, { home: this.home, gitDir: this.gitDir });
  }

  private async gitOk(args: string[]): Promise<Buffer> {
    const res = await this.git(args);
    if (res.code !== 0) {
      throw new Error(
        `git ${args[0]} failed (${res.code}): ${res.stderr.trim()}`,
      );
    }
    return res.stdout;
  }

  static async initBare(gitDir: string, home: string, defaultBranch: string) {
    const res = await runGit(
      [
        'init',
        '--bare',
        '--quiet',
        `--initial-branch=${defaultBranch}`,
        gitDir,
      ],
      { home },
    );
    if (res.code !== 0)
      throw new Error(`git init failed: ${res.stderr.trim()}`);
    return new Repo(gitDir, home);
  }

  /** The commit a branch, tag or sha names, or undefined. */
  async resolveCommit(ref: string): Promise<string | undefined> {
    if (!isSafeRef(ref)) throw new HttpError(422, `invalid ref: ${ref}`);
    const res = await this.git([
      'rev-parse',
      '--verify',
      '--quiet',
      `${ref}^{commit}`,
    ]);
    return res.code === 0 ? res.stdout.toString('utf8').trim() : undefined;
  }

  async branches(): Promise<string[]> {
    const out = await this.gitOk([
      'for-each-ref',
      '--format=%(refname:short)',
      'refs/heads/',
    ]);
    return out.toString('utf8').split('\n').filter(Boolean);
  }

  async isEmpty(): Promise<boolean> {
    return (await this.branches()).length === 0;
  }

  async headBranch(): Promise<string | undefined> {
    const res = await this.git(['symbolic-ref', '--quiet', '--short', 'HEAD']);
    return res.code === 0 ? res.stdout.toString('utf8').trim() : undefined;
  }

  async setHeadBranch(branch: string): Promise<void> {
    if (!isSafeRef(branch))
      throw new HttpError(422, `invalid branch: ${branch}`);
    await this.gitOk(['symbolic-ref', 'HEAD', `refs/heads/${branch}`]);
  }

  /**
   * Tree entries: the entry at `path` itself, or (`children`) the entries inside the
   * directory at `path` ('' is the root).
   */
  async lsTree(
    commit: string,
    path: string,
    children: boolean,
  ): Promise<TreeEntry[]> {
    if (!isSafeRepoPath(path)) throw new HttpError(422, 'invalid path');
    // A folder's children are listed by `<folder>/`; the root's by no path at all.
    let spec = [path];
    if (children) spec = path ? [`${path.replace(/\/$/, '')}/`] : [];
    const out = await this.gitOk([
      'ls-tree',
      '-z',
      '-l',
      commit,
      '--',
      ...spec,
    ]);
    return out
      .toString('utf8')
      .split('\0')
      .filter(Boolean)
      .map(line => {
        const tab = line.indexOf('\t');
        const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/);
        return {
          mode,
          type: type as TreeEntry['type'],
          sha,
          size: size === '-' ? 0 : Number(size),
          path: line.slice(tab + 1),
        };
      });
  }

  readBlob(sha: string): Promise<Buffer> {
    return this.gitOk(['cat-file', 'blob', sha]);
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    const format = [
      '%H',
      '%T',
      '%P',
      '%an',
      '%ae',
      '%aI',
      '%cn',
      '%ce',
      '%cI',
      '%B',
    ].join('%x00');
    const out = await this.gitOk([
      'show',
      '-s',
      `--format=${format}`,
      sha,
      '--',
    ]);
    const [commit, tree, parents, an, ae, ad, cn, ce, cd, message] = out
      .toString('utf8')
      .split('\0');
    return {
      sha: commit,
      tree,
      parents: parents.split(' ').filter(Boolean),
      author: { name: an, email: ae, date: ad },
      committer: { name: cn, email: ce, date: cd },
      message: message.replace(/\n$/, ''),
    };
  }

  /** `git archive` as a stream (Gitea prefixes every entry with `<repo>/`). */
  archive(commit: string, format: 'tar.gz' | 'zip', prefix: string) {
    return spawn(
      'git',
      [
        `--git-dir=${this.gitDir}`,
        'archive',
        `--format=${format}`,
        `--prefix=${prefix}/`,
        commit,
      ],
      { env: gitEnv(this.home), stdio: ['ignore', 'pipe', 'pipe'] },
    );
  }
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  size: number;
  path: string;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
}
