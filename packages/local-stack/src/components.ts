/**
 * The hub's components, built from their Go modules: one pinned release each, in one place.
 *
 * Go keeps its own module and build caches; the binaries go to a cache keyed by version
 * (`$MONITORING_BIN_CACHE`, else `$XDG_CACHE_HOME/backstage-monitoring-suite`, else
 * `~/.cache/backstage-monitoring-suite`), so a warm setup only checks that they are there.
 *
 * The VictoriaMetrics cluster binaries (vminsert, vmselect, vmstorage) live on the `cluster`
 * branch under `vX.Y.Z-cluster` tags, which the Go module proxy reachable here does not serve
 * (every one tried answers 403), so the hub runs the same release's single-node
 * `victoria-metrics` behind vmauth's tenant paths (see README, "The local stack").
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The VictoriaMetrics release of every VM component (vmagent, vmalert, vmauth, the database). */
export const VICTORIAMETRICS_VERSION = 'v1.151.0';
/** The Alertmanager release. */
export const ALERTMANAGER_VERSION = 'v0.35.0';
/** The oldest Go both modules build with (their go.mod `go` lines). */
export const MIN_GO_VERSION = '1.26.6';

const VM_MODULE = 'github.com/VictoriaMetrics/VictoriaMetrics';
const AM_MODULE = 'github.com/prometheus/alertmanager';

export interface GoComponent {
  /** Binary name. */
  name: string;
  module: string;
  version: string;
  /** Package path inside the module. */
  pkg: string;
  /** `-X` assignments so `-version` prints the release. */
  ldflags: string;
  /** Needs a writable copy of the module (files the module does not ship are added). */
  copyModule?: (dir: string) => void;
}

const vmComponent = (name: string): GoComponent => ({
  name,
  module: VM_MODULE,
  version: VICTORIAMETRICS_VERSION,
  pkg: `app/${name}`,
  ldflags: `-X ${VM_MODULE}/lib/buildinfo.Version=${name}-${VICTORIAMETRICS_VERSION}`,
});

/**
 * Alertmanager embeds its web UI from `ui/app/dist`, which its release process builds with npm
 * and Elm and which the Go module does not ship. The API (v2) is all the suite uses, so the
 * build embeds a one-page placeholder in place of the UI.
 */
function addAlertmanagerUiPlaceholder(dir: string) {
  const page =
    '<!doctype html><title>Alertmanager</title>' +
    '<p>This Alertmanager was built without its web UI; the API is at /api/v2.</p>\n';
  for (const ui of ['elm', 'mantine']) {
    const uiDir = path.join(dir, 'ui', 'app', 'dist', ui);
    fs.mkdirSync(uiDir, { recursive: true });
    fs.writeFileSync(path.join(uiDir, 'index.html'), page);
  }
}

export const COMPONENTS: readonly GoComponent[] = [
  vmComponent('victoria-metrics'),
  vmComponent('vmauth'),
  vmComponent('vmalert'),
  vmComponent('vmagent'),
  {
    name: 'alertmanager',
    module: AM_MODULE,
    version: ALERTMANAGER_VERSION,
    pkg: 'cmd/alertmanager',
    ldflags: `-X github.com/prometheus/common/version.Version=${ALERTMANAGER_VERSION.slice(1)}`,
    copyModule: addAlertmanagerUiPlaceholder,
  },
];

export function binCacheDir(): string {
  if (process.env.MONITORING_BIN_CACHE)
    return path.resolve(process.env.MONITORING_BIN_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'backstage-monitoring-suite');
}

/** Where a component's binary lives: one folder per module release. */
export function binaryPath(c: GoComponent): string {
  const release = `${path.basename(c.module).toLowerCase()}-${c.version}`;
  return path.join(binCacheDir(), release, c.name);
}

export const missingComponents = (): GoComponent[] =>
  COMPONENTS.filter(c => !isExecutable(binaryPath(c)));

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const GO_INSTALL_HINT =
  `install Go ${MIN_GO_VERSION} or newer (the official Go release for your OS; the Go module proxy must be ` +
  'reachable), or with any Go >= 1.21 on PATH set GOTOOLCHAIN=go1.26.8 to let it fetch one';

export class GoToolchainError extends Error {
  constructor(found: string) {
    super(
      `building the stack needs Go >= ${MIN_GO_VERSION} (found: ${found}); ${GO_INSTALL_HINT}`,
    );
    this.name = 'GoToolchainError';
  }
}

/** `1.26.8` from `go1.26.8` (or `go1.27rc1` -> `1.27.0`). */
export function parseGoVersion(
  text: string,
): [number, number, number] | undefined {
  const m = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function isGoVersionAtLeast(
  found: [number, number, number],
  min: string,
): boolean {
  const want = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    if (found[i] !== (want[i] ?? 0)) return found[i] > (want[i] ?? 0);
  }
  return true;
}

function go(
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  return spawnSync('go', args, {
    cwd: opts.cwd,
    env: {
      ...process.env,
      CGO_ENABLED: '0',
      GOFLAGS: '-buildvcs=false',
      ...opts.env,
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Throws {@link GoToolchainError} unless a recent enough `go` is on PATH. */
export function checkGoToolchain(): string {
  const res = go(['env', 'GOVERSION']);
  if (res.error || res.status !== 0)
    throw new GoToolchainError('no `go` on PATH');
  const text = res.stdout.trim();
  const version = parseGoVersion(text);
  if (!version || !isGoVersionAtLeast(version, MIN_GO_VERSION))
    throw new GoToolchainError(text);
  return text;
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

/** Builds one component into its cache folder (written under a temporary name, then renamed). */
function buildComponent(c: GoComponent): void {
  const out = binaryPath(c);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  if (!c.copyModule) {
    // `go install m/pkg@version` builds the release exactly as its go.mod pins it.
    const gobin = fs.mkdtempSync(path.join(path.dirname(out), '.gobin-'));
    try {
      const res = go(
        [
          'install',
          '-trimpath',
          `-ldflags=-s -w ${c.ldflags}`,
          `${c.module}/${c.pkg}@${c.version}`,
        ],
        {
          env: { GOBIN: gobin },
        },
      );
      if (res.status !== 0) fail(c, 'go install', res);
      fs.renameSync(path.join(gobin, path.basename(c.pkg)), tmp);
    } finally {
      fs.rmSync(gobin, { recursive: true, force: true });
    }
  } else {
    const dl = go(['mod', 'download', '-json', `${c.module}@${c.version}`]);
    if (dl.status !== 0) fail(c, 'go mod download', dl);
    const moduleDir: string = JSON.parse(dl.stdout).Dir;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `build-${c.name}-`));
    try {
      fs.cpSync(moduleDir, work, { recursive: true });
      // The module cache is read-only; the copy must be writable for the added files.
      spawnSync('chmod', ['-R', 'u+w', work]);
      c.copyModule(work);
      const res = go(
        [
          'build',
          '-trimpath',
          `-ldflags=-s -w ${c.ldflags}`,
          '-o',
          tmp,
          `./${c.pkg}`,
        ],
        {
          cwd: work,
        },
      );
      if (res.status !== 0) fail(c, 'go build', res);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
  fs.renameSync(tmp, out);
}

/**
 * Builds whatever component is missing from the binary cache, printing progress; returns the
 * names built. Warm (everything cached) it only stats five files.
 */
export function ensureComponents(
  log: (line: string) => void = console.log,
): string[] {
  const missing = missingComponents();
  if (missing.length === 0) return [];
  const goVersion = checkGoToolchain();
  log(
    `Building ${missing.map(c => c.name).join(', ')} from their Go modules with ${goVersion} ` +
      `into ${binCacheDir()} (cold: a few minutes on 2 cores; cached by version afterwards)`,
  );
  const t0 = Date.now();
  missing.forEach((c, i) => {
    const t = Date.now();
    log(
      `  [${i + 1}/${missing.length}] ${c.name} ${c.version} (${c.module}/${c.pkg}) ...`,
    );
    buildComponent(c);
    log(
      `  [${i + 1}/${missing.length}] ${c.name}: built in ${((Date.now() - t) / 1000).toFixed(0)} s`,
    );
  });
  log(
    `Built ${missing.length} component(s) in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  return missing.map(c => c.name);
}
