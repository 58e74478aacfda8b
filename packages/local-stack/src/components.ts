/**
 * The stack's components, built from their Go modules: one pinned release each, in one place
 * (the hub's: VictoriaMetrics, Alertmanager; the clusters': etcd, Kubernetes, kwok; and Gitea).
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
import { buildComponent, go, GoComponent } from './goBuild';
import { buildGiteaWebBundle, giteaWebBundleReady } from './giteaWeb';

export type { GoComponent } from './goBuild';

/** The VictoriaMetrics release of every VM component (vmagent, vmalert, vmauth, the database). */
export const VICTORIAMETRICS_VERSION = 'v1.151.0';
/** The Alertmanager release. */
export const ALERTMANAGER_VERSION = 'v0.35.0';
/** The oldest Go every component builds with (the newest of their go.mod `go` lines). */
export const MIN_GO_VERSION = '1.26.6';

/** etcd, the Kubernetes clusters' store. */
export const ETCD_VERSION = 'v3.6.8';
/** The Kubernetes control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl). */
export const KUBERNETES_VERSION = 'v1.37.2';
/** kwok: the clusters' nodes, and the simulated status of the operator's resources. */
export const KWOK_VERSION = 'v0.8.0';
/**
 * Gitea: the forge the templates publish to and open pull requests on. v1.26 is the newest
 * release the Go module proxy serves as `code.gitea.io/gitea`: v1.27 declares its module path
 * `gitea.dev`, which the proxy refuses.
 */
export const GITEA_VERSION = 'v1.26.0';

const VM_MODULE = 'github.com/VictoriaMetrics/VictoriaMetrics';
const AM_MODULE = 'github.com/prometheus/alertmanager';

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

const ETCD_MODULE = 'go.etcd.io/etcd/server/v3';
const KUBE_MODULE = 'k8s.io/kubernetes';

/** `-X` for the version variables of Kubernetes' two version packages (as its hack/lib/version.sh). */
const kubeVersionFlags = [
  'k8s.io/client-go/pkg/version',
  'k8s.io/component-base/version',
]
  .flatMap(pkg => {
    const [major, minor] = KUBERNETES_VERSION.slice(1).split('.');
    return [
      `-X ${pkg}.gitVersion=${KUBERNETES_VERSION}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ];
  })
  .join(' ');

const kubeCommand = (name: string): GoComponent => ({
  name,
  module: KUBE_MODULE,
  version: KUBERNETES_VERSION,
  pkg: `cmd/${name}`,
  ldflags: kubeVersionFlags,
  // Its go.mod points the 33 staging modules (k8s.io/api, ...) at ./staging/src/k8s.io/X;
  // each is published as k8s.io/X v0.<minor>.<patch>.
  siblingVersion: () => `v0${KUBERNETES_VERSION.slice(2)}`,
});

/** The kube clusters' components, in the order they are built (shared Go build cache). */
export const KUBE_COMPONENTS: readonly GoComponent[] = [
  {
    name: 'etcd',
    module: ETCD_MODULE,
    release: 'etcd',
    version: ETCD_VERSION,
    pkg: '',
    ldflags: '',
    // server/v3's go.mod replaces api, client/pkg, client/v3 and pkg by ../<dir>.
    siblingVersion: () => ETCD_VERSION,
  },
  kubeCommand('kube-apiserver'),
  kubeCommand('kube-controller-manager'),
  kubeCommand('kube-scheduler'),
  kubeCommand('kubectl'),
  {
    name: 'kwok',
    module: 'sigs.k8s.io/kwok',
    version: KWOK_VERSION,
    pkg: 'cmd/kwok',
    ldflags: `-X sigs.k8s.io/kwok/pkg/consts.Version=${KWOK_VERSION}`,
    // The node and pod lifecycles it plays (kwok exits without stages).
    assets: ['kustomize/stage'],
  },
];

/**
 * Built in a wrapper module that repeats the 7 `replace` lines of Gitea's go.mod (forks and
 * pinned versions: `go install` ignores a dependency's replaces, and the build fails without
 * them), with cgo for its SQLite driver (tags `sqlite sqlite_unlock_notify`, as its Makefile
 * builds it). Gitea reads its locales (`options/`), page templates and `public/` from disk at run
 * time (`[server] STATIC_ROOT_PATH`): they are copied from the module beside the binary. The web
 * bundle (`public/assets/js`, `css`) is not in the module: `giteaWeb.ts` builds it from the
 * module's sources.
 */
export const GITEA_COMPONENT: GoComponent = {
  name: 'gitea',
  module: 'code.gitea.io/gitea',
  version: GITEA_VERSION,
  pkg: '',
  ldflags: `-X main.Version=${GITEA_VERSION.slice(1)}`,
  copyReplaces: true,
  tags: ['sqlite', 'sqlite_unlock_notify'],
  cgo: true,
  assets: ['options', 'templates', 'public'],
};

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
  ...KUBE_COMPONENTS,
  GITEA_COMPONENT,
];

export function binCacheDir(): string {
  if (process.env.MONITORING_BIN_CACHE)
    return path.resolve(process.env.MONITORING_BIN_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'backstage-monitoring-suite');
}

/** Where a component's binary lives: one folder per module release. */
export function binaryPath(c: GoComponent): string {
  const release = `${c.release ?? path.basename(c.module).toLowerCase()}-${c.version}`;
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

/** cgo builds (Gitea's SQLite driver) need a C compiler: `gcc` from Debian's `gcc` package. */
export function checkCCompiler(): void {
  const cc = go(['env', 'CC']).stdout?.trim() || 'gcc';
  const res = spawnSync(cc, ['--version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0)
    throw new Error(
      `building Gitea (cgo, for SQLite) needs a C compiler; \`${cc}\` is missing: ` +
        'sudo apt-get install -y --no-install-recommends gcc libc6-dev',
    );
}

/**
 * Builds whatever component is missing from the binary cache, printing progress; returns the
 * names built. Warm (everything cached) it only stats the binaries. With `webBundle` (setup and
 * `start`; tests need only Gitea's API) Gitea's web bundle too.
 */
export function ensureComponents(
  log: (line: string) => void = console.log,
  opts: { webBundle?: boolean } = {},
): string[] {
  const bundle = () => (opts.webBundle ? ensureGiteaWebBundle(log) : []);
  const missing = missingComponents();
  if (missing.length === 0) return bundle();
  const goVersion = checkGoToolchain();
  if (missing.some(c => c.cgo)) checkCCompiler();
  log(
    `Building ${missing.map(c => c.name).join(', ')} from their Go modules with ${goVersion} ` +
      `into ${binCacheDir()} (cold: a few minutes on 2 cores; cached by version afterwards)`,
  );
  const t0 = Date.now();
  missing.forEach((c, i) => {
    const t = Date.now();
    log(
      `  [${i + 1}/${missing.length}] ${c.name} ${c.version} (${c.pkg ? `${c.module}/${c.pkg}` : c.module}) ...`,
    );
    buildComponent(c, binaryPath(c));
    log(
      `  [${i + 1}/${missing.length}] ${c.name}: built in ${((Date.now() - t) / 1000).toFixed(0)} s`,
    );
  });
  log(
    `Built ${missing.length} component(s) in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
  return [...missing.map(c => c.name), ...bundle()];
}

/**
 * Gitea's web bundle beside its binary (`giteaWeb.ts`), built when missing. Its pages are all it
 * serves: a failure (no npm registry) is reported and the stack goes on without it (the API
 * works the same); the next build tries again.
 */
function ensureGiteaWebBundle(log: (line: string) => void): string[] {
  const binDir = path.dirname(binaryPath(GITEA_COMPONENT));
  if (giteaWebBundleReady(binDir) || !isExecutable(binaryPath(GITEA_COMPONENT)))
    return [];
  const t = Date.now();
  log(
    `  gitea web bundle ${GITEA_VERSION} (pnpm install + vite build from the module's web_src/, packages from the npm registry) ...`,
  );
  try {
    buildGiteaWebBundle(GITEA_COMPONENT, binDir);
  } catch (e) {
    log(
      "  gitea web bundle: NOT built; Gitea's pages stay unstyled and without scripts, its API is " +
        'unaffected. `npm run stack -- build` tries again. What failed:',
    );
    for (const line of String(e.message).split('\n')) log(`    ${line}`);
    return [];
  }
  log(`  gitea web bundle: built in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  return ['gitea web bundle'];
}
