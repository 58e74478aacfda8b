/**
 * One emulated Kubernetes cluster of the local stack: the loopback Kubernetes API *emulator* the
 * apply action's tests use (no API server can run on these machines), with the VictoriaMetrics
 * operator and External Secrets CRDs "installed" and objects reporting ready at once. Nothing
 * runs behind it: it stores what is applied, so the templates' Apply can be tried locally.
 *
 * Usage: node --require @backstage/cli/config/nodeTransform.cjs main.ts --port N --token-file F
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CORE_RESOURCES,
  EXTERNAL_SECRETS_RESOURCES,
  KubeEmulator,
  OPERATOR_RESOURCES,
} from './index';

async function main() {
  const { values } = parseArgs({
    // Repeatable: each file holds a token the cluster accepts (the Kubernetes plugin's, apply's).
    options: {
      port: { type: 'string' },
      'token-file': { type: 'string', multiple: true },
    },
  });
  const port = Number(values.port);
  const tokenFiles = values['token-file'] ?? [];
  if (!Number.isInteger(port) || tokenFiles.length === 0) {
    throw new Error(
      'usage: main.ts --port N --token-file F [--token-file F2 ...]',
    );
  }
  // Files, not tokens: command lines are visible to every user.
  const [token, ...extraTokens] = tokenFiles.map(tokenFile => {
    const value = fs.readFileSync(tokenFile, 'utf8').trim();
    // `Bearer ` with nothing after it would be the cluster's credential.
    if (!value)
      throw new Error(
        `${tokenFile} is empty: the emulated cluster needs a bearer token`,
      );
    return value;
  });
  const emu = await KubeEmulator.start({
    resources: [
      ...CORE_RESOURCES,
      ...OPERATOR_RESOURCES,
      ...EXTERNAL_SECRETS_RESOURCES,
    ],
    autoReady: true,
    token,
    extraTokens,
    port,
    recordRequests: false,
  });
  console.log(`Kubernetes API emulator on ${emu.url}`);
  process.on('SIGTERM', () => emu.close().then(() => process.exit(0)));
}

main().catch(err => {
  console.error(`kube-emulator: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
