/**
 * The local clusters as the stack runs them: files before start (PKI, token file, kubeconfigs,
 * kwok's stages), the bootstrap after their API servers answer, and the credentials the app and
 * the tests use.
 */
import * as fs from 'node:fs';
import { DemoPodNames } from '../demoServices';
import { StackPaths } from '../paths';
import { ensurePassword } from '../secrets';
import { awaitClusterReady, installClusterObjects } from './bootstrap';
import { applyDemoSpoke, PREAPPLIED_SPOKE_ENVIRONMENTS } from './demoSpokes';
import {
  KUBE_ADMIN,
  kubeconfigFile,
  kubeDir,
  STATIC_USERS,
  writeKubeconfig,
  writeTokenFile,
} from './identities';
import {
  KUBE_LAYOUT,
  KubeClusterLayout,
  KubeLayout,
  kubeApiUrl,
} from './layout';
import { caData, ensureKubePki, kubePki } from './pki';
import { kubeClient } from './kubeClient';
import { writeKwokStages } from './stages';

const portalSecret = (c: KubeClusterLayout) => `kube-portal-token-${c.name}`;
const applySecret = (c: KubeClusterLayout) => `kube-apply-token-${c.name}`;

/**
 * Writes what the clusters' processes read at start; returns the names of the processes that must
 * restart to see a change (kwok reads its stages only at start).
 */
export function prepareKubeFiles(
  paths: StackPaths,
  layout: KubeLayout = KUBE_LAYOUT,
  opts: { operatorCrds?: boolean } = {},
): Set<string> {
  const pki = ensureKubePki(kubeDir(paths));
  writeTokenFile(paths);
  for (const cluster of layout.clusters)
    for (const user of Object.values(STATIC_USERS))
      writeKubeconfig(paths, pki, cluster, user);
  const restart = new Set<string>();
  if (writeKwokStages(paths, { operator: opts.operatorCrds !== false }))
    for (const c of layout.clusters) restart.add(`kwok-${c.name}`);
  return restart;
}

function writeSecret(paths: StackPaths, name: string, value: string) {
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  fs.writeFileSync(paths.secret(name), `${value}\n`, { mode: 0o600 });
}

const readSecret = (paths: StackPaths, name: string) => {
  try {
    return fs.readFileSync(paths.secret(name), 'utf8').trim();
  } catch {
    return '';
  }
};

export interface LocalKubeCluster {
  name: string;
  /** The spoke's environment; undefined for the hub. */
  environment?: string;
  url: string;
  /** base64 PEM of the stack's CA. */
  caData: string;
  /** `system:masters`: the stack's bootstrap and the tests' checks, never the app. */
  adminToken: string;
  adminKubeconfig: string;
  /** The `backstage-portal` ServiceAccount's token (read-only). */
  portalToken: string;
  /** The `monitoring-apply` ServiceAccount's token. */
  applyToken: string;
}

/** The clusters' addresses and credentials (tokens empty before the first bootstrap). */
export function localKubeClusters(
  paths: StackPaths,
  layout: KubeLayout = KUBE_LAYOUT,
): LocalKubeCluster[] {
  const pki = kubePki(kubeDir(paths));
  const ca = fs.existsSync(pki.caCert) ? caData(pki) : '';
  return layout.clusters.map(c => ({
    name: c.name,
    environment: c.environment,
    url: kubeApiUrl(c),
    caData: ca,
    adminToken: ensurePassword(paths, KUBE_ADMIN.secret),
    adminKubeconfig: kubeconfigFile(paths, c, KUBE_ADMIN),
    portalToken: readSecret(paths, portalSecret(c)),
    applyToken: readSecret(paths, applySecret(c)),
  }));
}

function adminClients(paths: StackPaths, layout: KubeLayout) {
  return localKubeClusters(paths, layout).map(c =>
    kubeClient({
      name: c.name,
      server: c.url,
      caData: c.caData,
      token: c.adminToken,
    }),
  );
}

/** Applies each cluster's objects (in parallel), before kwok starts. */
export async function installKubeObjects(
  paths: StackPaths,
  opts: {
    layout?: KubeLayout;
    timeoutMs?: number;
    operatorCrds?: boolean;
    /** Apply the spoke's objects to the staging and production clusters (the stack's demo). */
    demoSpokes?: boolean;
    /** Where apply may write; default `monitoring`. */
    applyNamespaces?: string[];
  } = {},
): Promise<void> {
  const layout = opts.layout ?? KUBE_LAYOUT;
  const clients = adminClients(paths, layout);
  await Promise.all(
    layout.clusters.map(async (cluster, i) => {
      const kubeconfig = kubeconfigFile(paths, cluster, KUBE_ADMIN);
      await installClusterObjects(clients[i], cluster, { ...opts, kubeconfig });
      if (
        opts.demoSpokes &&
        cluster.environment &&
        PREAPPLIED_SPOKE_ENVIRONMENTS.includes(cluster.environment)
      )
        await applyDemoSpoke(cluster, kubeconfig, kubeDir(paths));
    }),
  );
}

/**
 * Waits until every cluster has issued its ServiceAccounts' tokens (stored in the stack's
 * secrets) and runs its demo pods; returns the spokes' pods.
 */
export async function awaitKubeClusters(
  paths: StackPaths,
  opts: {
    layout?: KubeLayout;
    log?: (line: string) => void;
    timeoutMs?: number;
  } = {},
): Promise<DemoPodNames> {
  const layout = opts.layout ?? KUBE_LAYOUT;
  const log = opts.log ?? (() => {});
  const clients = adminClients(paths, layout);
  const pods: DemoPodNames = {};
  await Promise.all(
    layout.clusters.map(async (cluster, i) => {
      const done = await awaitClusterReady(clients[i], cluster, opts);
      writeSecret(paths, portalSecret(cluster), done.portalToken);
      writeSecret(paths, applySecret(cluster), done.applyToken);
      if (cluster.environment) pods[cluster.environment] = done.pods;
      const count = Object.values(done.pods).flat().length;
      log(
        `  ${cluster.name}: 3 kwok nodes, ServiceAccount tokens` +
          (cluster.environment ? `, ${count} demo pods Running` : ''),
      );
    }),
  );
  return pods;
}
