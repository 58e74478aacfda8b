/**
 * The Kubernetes clusters of the local app: one Kubernetes API *emulator* per cluster of
 * `kubernetes.clusterLocatorMethods` in app-config.yaml (no API server can run here; see
 * @internal/monitoring-kube-emulator). They let the templates' Apply run locally and in the browser tests;
 * nothing runs behind them. Their bearer token is generated into `.stack/secrets/`.
 */
import * as path from 'node:path';
import { HOST } from './endpoints';
import { StackPaths } from './paths';
import type { ProcessSpec } from './processes';
import { ensurePassword } from './secrets';

/** Cluster name (as in app-config.yaml and examples/clusters.yaml) -> port. */
export const KUBE_CLUSTERS = {
  'dev-cluster': 6443,
  'staging-cluster': 6444,
  'prod-cluster': 6445,
  'hub-cluster': 6446,
} as const;

const KUBE_TOKEN_SECRET = 'kube-api-token';
/** Apply's own token (`monitoring.apply.clusters`): not the one the Kubernetes plugin's proxy uses. */
const APPLY_TOKEN_SECRET = 'kube-apply-token';
export const KUBE_EMULATOR_SCRIPT = path.join(
  path.dirname(
    require.resolve('@internal/monitoring-kube-emulator/package.json'),
  ),
  'src',
  'main.ts',
);

/** The bearer token of the emulated clusters (`serviceAccountToken` in app-config.yaml). */
export function ensureKubeToken(paths: StackPaths): string {
  return ensurePassword(paths, KUBE_TOKEN_SECRET);
}

/** The bearer token apply uses on the emulated clusters. */
export function ensureApplyToken(paths: StackPaths): string {
  return ensurePassword(paths, APPLY_TOKEN_SECRET);
}

export const kubeClusterUrls = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(KUBE_CLUSTERS).map(([name, port]) => [
      name,
      `http://${HOST}:${port}`,
    ]),
  );

export function kubeClusterSpecs(paths: StackPaths): ProcessSpec[] {
  return Object.entries(KUBE_CLUSTERS).map(([name, port]) => ({
    name: `kube-${name}`,
    command: process.execPath,
    args: [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      KUBE_EMULATOR_SCRIPT,
      '--port',
      String(port),
      '--token-file',
      paths.secret(KUBE_TOKEN_SECRET),
      '--token-file',
      paths.secret(APPLY_TOKEN_SECRET),
    ],
    port,
    healthPath: '/readyz',
    stage: 1,
    identity: [KUBE_EMULATOR_SCRIPT, String(port)],
    dirs: [],
    reloadsOnSighup: false,
  }));
}
