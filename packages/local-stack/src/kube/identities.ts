/**
 * Who talks to the local clusters, and with which credentials.
 *
 * The control plane's own components and the stack's bootstrap authenticate with static tokens
 * (`--token-auth-file`), generated once into the stack's secrets: the controller manager and the
 * scheduler as their built-in users (bound by the API server's bootstrap RBAC), the bootstrap as
 * a `system:masters` admin, and kwok as `system:masters` too: it plays every kubelet, the storage
 * provisioner and the VictoriaMetrics operator (status of nodes, pods, claims and the operator's
 * resources), whose own identities a real cluster would have.
 *
 * The portal and apply are ServiceAccounts made by the bootstrap (`bootstrap.ts`), with tokens
 * the API server issues; see `rbac.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StackPaths } from '../paths';
import { ensurePassword } from '../secrets';
import { KubeClusterLayout, kubeApiUrl } from './layout';
import { KubePki } from './pki';

export interface StaticKubeUser {
  /** Secret file name (without `.password`) of its token. */
  secret: string;
  user: string;
  groups: string[];
}

export const KUBE_ADMIN: StaticKubeUser = {
  secret: 'kube-admin-token',
  user: 'monitoring-stack-admin',
  groups: ['system:masters'],
};
const CONTROLLER_MANAGER: StaticKubeUser = {
  secret: 'kube-controller-manager-token',
  user: 'system:kube-controller-manager',
  groups: [],
};
const SCHEDULER: StaticKubeUser = {
  secret: 'kube-scheduler-token',
  user: 'system:kube-scheduler',
  groups: [],
};
const KWOK: StaticKubeUser = {
  secret: 'kwok-token',
  user: 'kwok-controller',
  groups: ['system:masters'],
};

export const STATIC_USERS = {
  admin: KUBE_ADMIN,
  controllerManager: CONTROLLER_MANAGER,
  scheduler: SCHEDULER,
  kwok: KWOK,
} as const;

export const kubeDir = (paths: StackPaths) => paths.data('kube');
export const tokenFile = (paths: StackPaths) =>
  path.join(kubeDir(paths), 'tokens.csv');
export const kubeconfigFile = (
  paths: StackPaths,
  cluster: KubeClusterLayout,
  user: StaticKubeUser,
) => path.join(kubeDir(paths), cluster.name, `${user.secret}.kubeconfig`);

/** Writes the API servers' token file (0600) from the static users' generated tokens. */
export function writeTokenFile(paths: StackPaths): void {
  const lines = Object.values(STATIC_USERS).map((u, i) => {
    const token = ensurePassword(paths, u.secret);
    const groups = u.groups.length ? `,"${u.groups.join(',')}"` : '';
    return `${token},${u.user},static-${i}${groups}`;
  });
  fs.mkdirSync(kubeDir(paths), { recursive: true, mode: 0o700 });
  fs.writeFileSync(tokenFile(paths), `${lines.join('\n')}\n`, { mode: 0o600 });
  fs.chmodSync(tokenFile(paths), 0o600);
}

/** A kubeconfig for one static user on one cluster (0600), verifying TLS with the stack's CA. */
export function writeKubeconfig(
  paths: StackPaths,
  pki: KubePki,
  cluster: KubeClusterLayout,
  user: StaticKubeUser,
): string {
  const file = kubeconfigFile(paths, cluster, user);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: {
          server: kubeApiUrl(cluster),
          'certificate-authority': pki.caCert,
        },
      },
    ],
    users: [
      { name: user.user, user: { token: ensurePassword(paths, user.secret) } },
    ],
    contexts: [
      {
        name: cluster.name,
        context: { cluster: cluster.name, user: user.user },
      },
    ],
    'current-context': cluster.name,
  };
  // JSON is YAML: kubeconfig loaders read either.
  fs.writeFileSync(file, JSON.stringify(doc, null, 2), { mode: 0o600 });
  return file;
}
