/**
 * The stack's executables: the hub's and the clusters' components and Gitea, built from their Go
 * modules (`components.ts`), and Debian's node exporter.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { binaryPath, COMPONENTS, ensureComponents } from './components';

const component = (name: string) =>
  binaryPath(COMPONENTS.find(c => c.name === name)!);

export const BIN = {
  victoriaMetrics: component('victoria-metrics'),
  vmagent: component('vmagent'),
  vmauth: component('vmauth'),
  vmalert: component('vmalert'),
  alertmanager: component('alertmanager'),
  etcd: component('etcd'),
  kubeApiserver: component('kube-apiserver'),
  kubeControllerManager: component('kube-controller-manager'),
  kubeScheduler: component('kube-scheduler'),
  kubectl: component('kubectl'),
  kwok: component('kwok'),
  gitea: component('gitea'),
  nodeExporter: '/usr/bin/prometheus-node-exporter',
  /** Makes the clusters' CA and certificates (kube/pki.ts). */
  openssl: '/usr/bin/openssl',
} as const;

const DEBIAN_PACKAGES = 'prometheus-node-exporter openssl';
export const INSTALL_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES}`;
export const SUDO_INSTALL_COMMAND = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES}`;

export class MissingBinariesError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `missing ${missing.join(', ')}; install them with:\n  ${SUDO_INSTALL_COMMAND}`,
    );
    this.name = 'MissingBinariesError';
  }
}

const isExecutable = (bin: string) => {
  try {
    fs.accessSync(bin, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export function missingBinaries(): string[] {
  return Object.values(BIN).filter(bin => !isExecutable(bin));
}

/**
 * Builds the Go components that are not in the binary cache, and installs the node exporter
 * when it is missing and we are root (otherwise throws `MissingBinariesError` with the command).
 */
export function ensureBinaries(log: (line: string) => void): void {
  ensureComponents(log, { webBundle: true });
  const missing = [BIN.nodeExporter, BIN.openssl].filter(b => !isExecutable(b));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new MissingBinariesError(missing);
  log(`missing ${missing.join(', ')}: running ${INSTALL_COMMAND}`);
  const res = spawnSync('sh', ['-c', INSTALL_COMMAND], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (res.status !== 0 || missing.some(bin => !isExecutable(bin))) {
    throw new Error(
      `installing ${DEBIAN_PACKAGES} failed (exit ${res.status})`,
    );
  }
}
