/** The environment the portal backend (and integration tests) use to reach the local stack. */
import { HOST, PORTAL_USER, PORTS, SELECT_PATH, URLS } from './endpoints';
import { ensureForgePassword, FORGE_USER } from './forge';
import {
  ensureApplyToken,
  ensureKubeToken,
  kubeClusterUrls,
} from './kubeClusters';
import { stackPaths } from './paths';
import { ensurePassword, ensureRenderKey } from './secrets';

export interface StackEnv {
  MONITORING_VMSELECT_URL: string;
  MONITORING_VMSELECT_USERNAME: string;
  MONITORING_VMSELECT_PASSWORD: string;
  MONITORING_VMALERT_URL: string;
  MONITORING_ALERTMANAGER_URL: string;
  MONITORING_VM_DIRECT_URL: string;
  /** The local forge, for `integrations.gitea` (development credentials, loopback only). */
  MONITORING_FORGE_HOST: string;
  MONITORING_FORGE_URL: string;
  MONITORING_FORGE_USERNAME: string;
  MONITORING_FORGE_PASSWORD: string;
  /** Bearer token of the emulated Kubernetes clusters (`serviceAccountToken` in app-config.yaml). */
  MONITORING_KUBE_TOKEN: string;
  /** Apply's own bearer token on them (`monitoring.apply.clusters`), another account's. */
  MONITORING_APPLY_TOKEN: string;
  /** `monitoring.apply.renderKey`: base64 of 32 random bytes, generated once. */
  MONITORING_RENDER_KEY: string;
  /** `{ cluster name: API URL }` of the emulated clusters, as JSON (for tests). */
  MONITORING_KUBE_CLUSTERS: string;
}

/** Reads (creating on first use) the portal and forge passwords from the stack's data dir. */
export function stackEnv(opts: { dir?: string } = {}): StackEnv {
  const paths = stackPaths(opts.dir);
  return {
    MONITORING_VMSELECT_URL: `${URLS.vmauth}${SELECT_PATH}`,
    MONITORING_VMSELECT_USERNAME: PORTAL_USER,
    MONITORING_VMSELECT_PASSWORD: ensurePassword(paths, PORTAL_USER),
    MONITORING_VMALERT_URL: URLS.vmalert,
    MONITORING_ALERTMANAGER_URL: URLS.alertmanager,
    MONITORING_VM_DIRECT_URL: URLS.victoriaMetrics,
    MONITORING_FORGE_HOST: `${HOST}:${PORTS.forge}`,
    MONITORING_FORGE_URL: URLS.forge,
    MONITORING_FORGE_USERNAME: FORGE_USER,
    MONITORING_FORGE_PASSWORD: ensureForgePassword(paths),
    MONITORING_KUBE_TOKEN: ensureKubeToken(paths),
    MONITORING_APPLY_TOKEN: ensureApplyToken(paths),
    MONITORING_RENDER_KEY: ensureRenderKey(paths),
    MONITORING_KUBE_CLUSTERS: JSON.stringify(kubeClusterUrls()),
  };
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `export NAME='value'` lines for `eval "$(... stack env)"`. */
export function formatEnvExports(env: StackEnv): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n');
}
