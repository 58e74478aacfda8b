/**
 * How a pinned component is built from its Go module: `go install m/pkg@version` when the module
 * installs as it is, a writable copy when files must be added, or a wrapper module when the
 * module's go.mod `replace`s its siblings by relative path (etcd, Kubernetes), which `go install`
 * refuses.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface GoComponent {
  /** Binary name. */
  name: string;
  module: string;
  version: string;
  /** Package path inside the module ('' for the module's root package). */
  pkg: string;
  /** `-X` assignments so `--version` prints the release. */
  ldflags: string;
  /** Needs a writable copy of the module (files the module does not ship are added). */
  copyModule?: (dir: string) => void;
  /**
   * Built in a wrapper module: each `replace X => ./relative/path` of the module's go.mod becomes
   * `replace X => X <this(X)>` (the sibling module at the release's version).
   */
  siblingVersion?: (modulePath: string) => string;
  /** Built in a wrapper module that repeats the module's own (non-relative) `replace`s. */
  copyReplaces?: boolean;
  /** Build tags. */
  tags?: string[];
  /** Needs cgo (and a C compiler): Gitea's SQLite driver. */
  cgo?: boolean;
  /** Files the binary needs at run time, copied from the module beside it (kwok's stages). */
  assets?: string[];
  /** Cache folder name, when the module path's last element is not (etcd's `v3`). */
  release?: string;
}

export const GO_BUILD_ENV = { CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' };

export function go(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return spawnSync('go', args, {
    cwd: opts.cwd,
    env: { ...process.env, ...GO_BUILD_ENV, ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

function fail(c: GoComponent, step: string, res: ReturnType<typeof go>): never {
  const tail = `${res.stderr ?? ''}${res.error?.message ?? ''}`
    .trim()
    .split('\n')
    .slice(-15);
  throw new Error(
    `building ${c.name} ${c.version}: ${step} failed\n${tail.join('\n')}`,
  );
}

function moduleDir(c: GoComponent): string {
  const dl = go(['mod', 'download', '-json', `${c.module}@${c.version}`]);
  if (dl.status !== 0) fail(c, 'go mod download', dl);
  return JSON.parse(dl.stdout).Dir;
}

const importPath = (c: GoComponent) =>
  c.pkg ? `${c.module}/${c.pkg}` : c.module;

/** The wrapper's go.mod lines for a module's relative `replace`s. */
export function siblingReplaces(
  goMod: string,
  versionOf: (modulePath: string) => string,
): string[] {
  const lines: string[] = [];
  // Only modules the go.mod requires: etcd also replaces modules it forbids (=> ./FORBIDDEN...).
  const required = new Set(
    [
      ...goMod.matchAll(
        /^[ \t]*(?:require[ \t]+)?(\S+)[ \t]+v\d\S*[ \t]*(?:\/\/.*)?$/gm,
      ),
    ].map(m => m[1]),
  );
  const re =
    /^[ \t]*(?:replace[ \t]+)?(\S+)(?:[ \t]+\S+)?[ \t]+=>[ \t]+(\.\.?\/\S*)[ \t]*$/gm;
  for (const m of goMod.matchAll(re)) {
    if (required.has(m[1]))
      lines.push(`replace ${m[1]} => ${m[1]} ${versionOf(m[1])}`);
  }
  return lines;
}

/** The module's `replace`s to another module version, repeated as they are. */
export function moduleReplaces(goMod: string): string[] {
  const re =
    /^[ \t]*(?:replace[ \t]+)?(\S+(?:[ \t]+v\S+)?)[ \t]+=>[ \t]+([^.\s/]\S*[ \t]+v\S+)/gm;
  return [...goMod.matchAll(re)].map(m => `replace ${m[1]} => ${m[2]}`);
}

/**
 * The wrapper module, kept in the cache beside the binaries so the commands of one release
 * (kube-apiserver, kube-controller-manager, ...) share one `go mod tidy`.
 */
function wrapperModule(c: GoComponent, outDir: string): string {
  const dir = path.join(outDir, '.module');
  const goModFile = path.join(dir, 'go.mod');
  const tools = path.join(dir, 'tools.go');
  const wanted = `\t_ "${importPath(c)}"\n`;
  // Written only after `go mod tidy` succeeded: a failed tidy leaves no module that looks usable.
  const tidied = path.join(dir, '.tidied');
  if (fs.existsSync(tidied) && fs.readFileSync(tools, 'utf8').includes(wanted))
    return dir;
  fs.rmSync(tidied, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  const upstream = fs.readFileSync(path.join(moduleDir(c), 'go.mod'), 'utf8');
  const goLine = /^go\s+(\S+)/m.exec(upstream)?.[1] ?? '1.26';
  const previous = fs.existsSync(tools)
    ? [...fs.readFileSync(tools, 'utf8').matchAll(/^\t_ ".*"\n/gm)].map(
        m => m[0],
      )
    : [];
  fs.writeFileSync(
    goModFile,
    [
      'module local/build',
      '',
      `go ${goLine}`,
      '',
      `require ${c.module} ${c.version}`,
      '',
      ...(c.siblingVersion ? siblingReplaces(upstream, c.siblingVersion) : []),
      ...(c.copyReplaces ? moduleReplaces(upstream) : []),
      '',
    ].join('\n'),
  );
  // A build-tagged file that imports the commands keeps `go mod tidy` from dropping them.
  fs.writeFileSync(
    tools,
    `//go:build tools\n\npackage build\n\nimport (\n${[...new Set([...previous, wanted])].join('')})\n`,
  );
  const tidy = go(['mod', 'tidy'], { cwd: dir });
  if (tidy.status !== 0) fail(c, 'go mod tidy (wrapper module)', tidy);
  fs.writeFileSync(tidied, '');
  return dir;
}

/** Builds one component into `out` (written under a temporary name, then renamed). */
export function buildComponent(c: GoComponent, out: string): void {
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const ldflags = `-ldflags=-s -w ${c.ldflags}`;
  const flags = [
    '-trimpath',
    ldflags,
    ...(c.tags?.length ? [`-tags=${c.tags.join(',')}`] : []),
  ];
  const env = c.cgo ? { CGO_ENABLED: '1' } : {};
  if (c.siblingVersion || c.copyReplaces) {
    const dir = wrapperModule(c, path.dirname(out));
    const res = go(['build', ...flags, '-o', tmp, importPath(c)], {
      cwd: dir,
      env,
    });
    if (res.status !== 0) fail(c, 'go build', res);
  } else if (!c.copyModule) {
    // `go install m/pkg@version` builds the release exactly as its go.mod pins it.
    const gobin = fs.mkdtempSync(path.join(path.dirname(out), '.gobin-'));
    try {
      const res = go(
        ['install', '-trimpath', ldflags, `${importPath(c)}@${c.version}`],
        {
          env: { GOBIN: gobin },
        },
      );
      if (res.status !== 0) fail(c, 'go install', res);
      fs.renameSync(path.join(gobin, path.basename(importPath(c))), tmp);
    } finally {
      fs.rmSync(gobin, { recursive: true, force: true });
    }
  } else {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `build-${c.name}-`));
    try {
      fs.cpSync(moduleDir(c), work, { recursive: true });
      // The module cache is read-only; the copy must be writable for the added files.
      spawnSync('chmod', ['-R', 'u+w', work]);
      c.copyModule(work);
      const res = go(['build', ...flags, '-o', tmp, `./${c.pkg}`], {
        cwd: work,
        env,
      });
      if (res.status !== 0) fail(c, 'go build', res);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  for (const asset of c.assets ?? []) {
    const target = path.join(path.dirname(out), asset);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(path.join(moduleDir(c), asset), target, { recursive: true });
    spawnSync('chmod', ['-R', 'u+w', target]);
  }
  fs.renameSync(tmp, out);
}
