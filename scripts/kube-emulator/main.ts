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
} from '../../plugins/scaffolder-backend-module-monitoring/src/__testUtils__/kubeEmulator';

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, 'token-file': { type: 'string' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || !values['token-file']) {
    throw new Error('usage: main.ts --port N --token-file F');
  }
  // A file, not the token: command lines are visible to every user.
  const tokenFile = values['token-file'];
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  if (!token) {
    // `Bearer ` with nothing after it would be the cluster's credential.
    throw new Error(`${tokenFile} is empty: the emulated cluster needs a bearer token`);
  }
  const emu = await KubeEmulator.start({
    resources: [...CORE_RESOURCES, ...OPERATOR_RESOURCES, ...EXTERNAL_SECRETS_RESOURCES],
    autoReady: true,
    token,
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
