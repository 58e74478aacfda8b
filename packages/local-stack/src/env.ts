/** The environment the portal backend (and integration tests) use to reach the local stack. */
import { HOST, PORTAL_USER, PORTS, SELECT_PATH, URLS } from './endpoints';
import { ensureForgePassword, FORGE_USER } from './forge';
import { localKubeClusters } from './kube/clusters';
import { stackPaths } from './paths';
import { ensurePassword, ensureRenderKey } from './secrets';

export interface StackEnv {
  MONITORING_VMSELECT_URL: string;
  MONITORING_VMSELECT_USERNAME: string;
  MONITORING_VMSELECT_PASSWORD: string;
  MONITORING_VMALERT_URL: string;
  MONITORING_ALERTMANAGER_URL: string;
  MONITORING_VM_DIRECT_URL: string;
  /** The local Gitea, for `integrations.gitea` (development credentials, loopback only). */
  MONITORING_FORGE_HOST: string;
  MONITORING_FORGE_URL: string;
  MONITORING_FORGE_USERNAME: string;
  MONITORING_FORGE_PASSWORD: string;
  /** `monitoring.apply.renderKey`: base64 of 32 random bytes, generated once. */
  MONITORING_RENDER_KEY: string;
  /** base64 PEM of the stack's CA: the clusters' `caData` (TLS verified, never skipped). */
  MONITORING_KUBE_CA_DATA: string;
  /** `{ cluster name: API URL }` of the local clusters, as JSON (for tests). */
  MONITORING_KUBE_CLUSTERS: string;
  /**
   * Per cluster (`MONITORING_KUBE_TOKEN_DEV_CLUSTER`, ...): the `backstage-portal` ServiceAccount's
   * read-only token, the Kubernetes plugin's and the monitoring backend's.
   */
  [portal: `MONITORING_KUBE_TOKEN_${string}`]: string;
  /** Per cluster: the `monitoring-apply` ServiceAccount's token (`monitoring.apply.clusters`). */
  [apply: `MONITORING_APPLY_TOKEN_${string}`]: string;
}

/** `dev-cluster` -> `DEV_CLUSTER`, for per-cluster variable names. */
export const clusterEnvSuffix = (cluster: string) =>
  cluster.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

/** Reads (creating on first use) the portal and Gitea passwords from the stack's data dir. */
export function stackEnv(opts: { dir?: string } = {}): StackEnv {
  const paths = stackPaths(opts.dir);
  const clusters = localKubeClusters(paths);
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
    MONITORING_RENDER_KEY: ensureRenderKey(paths),
    MONITORING_KUBE_CA_DATA: clusters[0]?.caData ?? '',
    MONITORING_KUBE_CLUSTERS: JSON.stringify(
      Object.fromEntries(clusters.map(c => [c.name, c.url])),
    ),
    ...Object.fromEntries(
      clusters.flatMap(c => [
        [`MONITORING_KUBE_TOKEN_${clusterEnvSuffix(c.name)}`, c.portalToken],
        [`MONITORING_APPLY_TOKEN_${clusterEnvSuffix(c.name)}`, c.applyToken],
      ]),
    ),
  };
}

const shellQuote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

/** `export NAME='value'` lines for `eval "$(... stack env)"`. */
export function formatEnvExports(env: StackEnv): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join('\n');
}
