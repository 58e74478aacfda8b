/** Makes sure the Debian packages that provide the stack's binaries are installed. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { BIN } from './processes';

const PACKAGES =
  'victoria-metrics prometheus-alertmanager prometheus-node-exporter';
export const INSTALL_COMMAND = `apt-get update && apt-get install -y --no-install-recommends ${PACKAGES}`;
export const SUDO_INSTALL_COMMAND = `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${PACKAGES}`;

export class MissingBinariesError extends Error {
  constructor(readonly missing: string[]) {
    super(
      `missing ${missing.join(', ')}; install them with:\n  ${SUDO_INSTALL_COMMAND}`,
    );
    this.name = 'MissingBinariesError';
  }
}

export function missingBinaries(): string[] {
  return Object.values(BIN).filter(bin => {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * Installs the packages when a binary is missing and we are root; otherwise throws
 * `MissingBinariesError` carrying the command to run with sudo.
 */
export function ensureBinaries(log: (line: string) => void): void {
  const missing = missingBinaries();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new MissingBinariesError(missing);
  log(`missing ${missing.join(', ')}: running ${INSTALL_COMMAND}`);
  const res = spawnSync('sh', ['-c', INSTALL_COMMAND], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const still = missingBinaries();
  if (res.status !== 0 || still.length > 0) {
    throw new Error(
      `installing ${PACKAGES} failed (exit ${res.status}); still missing: ${still.join(', ')}`,
    );
  }
}
