/**
 * Gitea's web bundle (the JavaScript and CSS of its pages, `public/assets/{js,css}`), built from
 * the module's own sources as its Makefile's `frontend` target does (`pnpm install
 * --frozen-lockfile`, `vite build`), with pnpm (the version its package.json names) and, when
 * the running Node is older than its `engines` (>= 22.18: vite.config.ts uses `fs.globSync`), a
 * pinned Node, both installed from the npm registry into a temporary folder. The Go module ships
 * the sources and the lockfile but not the bundle; without it the pages render unstyled and
 * without scripts (the API, which Backstage uses, is the same).
 *
 * ~40 s on 2 cores (registry downloads included); the result is copied into `public/` beside the
 * binary, so it is rebuilt only with a new Gitea binary.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { go, GoComponent } from './goBuild';

/** The Node release the bundle builds with when the running one is too old (npm's node-<os>-<arch>). */
export const GITEA_WEB_NODE_VERSION = '22.23.3';
/** Gitea's package.json `engines.node`. */
const MIN_NODE = [22, 18];

/** vite's manifest: present once the bundle is built. */
export const giteaWebManifest = (binDir: string) =>
  path.join(binDir, 'public', 'assets', '.vite', 'manifest.json');

export const giteaWebBundleReady = (binDir: string) =>
  fs.existsSync(giteaWebManifest(binDir));

export function nodeIsRecentEnough(version = process.versions.node): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

function run(
  what: string,
  command: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv },
): void {
  const res = spawnSync(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60_000,
  });
  if (res.status !== 0) {
    const tail =
      `${res.stderr ?? ''}${res.stdout ?? ''}${res.error?.message ?? ''}`
        .trim()
        .split('\n')
        .slice(-10)
        .join('\n');
    throw new Error(`${what} failed (exit ${res.status}):\n${tail}`);
  }
}

/** Builds the bundle of Gitea `c` into `public/` of `binDir` (throws with the failing step). */
export function buildGiteaWebBundle(c: GoComponent, binDir: string): void {
  const dl = go(['mod', 'download', '-json', `${c.module}@${c.version}`]);
  if (dl.status !== 0)
    throw new Error(`go mod download ${c.module}@${c.version} failed`);
  const moduleDir: string = JSON.parse(dl.stdout).Dir;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gitea-web-'));
  try {
    const src = path.join(work, 'src');
    fs.cpSync(moduleDir, src, { recursive: true });
    // The module cache is read-only; vite writes into the copy.
    spawnSync('chmod', ['-R', 'u+w', src]);
    const manager = JSON.parse(
      fs.readFileSync(path.join(src, 'package.json'), 'utf8'),
    ).packageManager as string;
    if (!/^pnpm@\d+\.\d+\.\d+/.test(manager ?? ''))
      throw new Error(`unexpected packageManager in Gitea's package.json`);
    const tools = path.join(work, 'tools');
    const wanted = [manager.replace(/\+.*$/, '')];
    if (!nodeIsRecentEnough())
      wanted.push(
        `node-${process.platform}-${process.arch}@${GITEA_WEB_NODE_VERSION}`,
      );
    run(
      `npm install ${wanted.join(' ')}`,
      'npm',
      [
        'install',
        '--prefix',
        tools,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        ...wanted,
      ],
      { cwd: work },
    );
    const bin = path.join(tools, 'node_modules', '.bin');
    const env = {
      ...process.env,
      PATH: [bin, process.env.PATH].join(path.delimiter),
      CI: 'true',
    };
    run(
      'pnpm install --frozen-lockfile',
      'pnpm',
      // Its own store, deleted with the folder: nothing is left in ~/.local/share/pnpm.
      ['install', '--frozen-lockfile', '--store-dir', path.join(work, 'store')],
      { cwd: src, env },
    );
    run('vite build', 'pnpm', ['exec', 'vite', 'build'], { cwd: src, env });
    const built = path.join(src, 'public');
    if (!giteaWebBundleReady(src))
      throw new Error('vite build wrote no public/assets/.vite/manifest.json');
    const target = path.join(binDir, 'public');
    const tmp = `${target}.${process.pid}.tmp`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(built, tmp, { recursive: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
