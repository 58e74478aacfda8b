/**
 * Stand-ins for the Kubernetes clusters of the browser/API tests: one Kubernetes API *emulator*
 * per cluster name (the same loopback emulator the apply action's unit tests use; no API server
 * can run on these machines). Objects report ready at once, since no operator runs behind them.
 * Writes `{ name: url }` to the file given first, then serves until it is stopped.
 *
 * Usage: node --require @backstage/cli/config/nodeTransform.cjs kubeClusters.ts <out.json> <token> <name>...
 */
import fs from 'node:fs';
import {
  CORE_RESOURCES,
  EXTERNAL_SECRETS_RESOURCES,
  KubeEmulator,
  OPERATOR_RESOURCES,
} from '../../../plugins/scaffolder-backend-module-monitoring/src/__testUtils__/kubeEmulator';

async function main() {
  const [out, token, ...names] = process.argv.slice(2);
  if (!out || !token || names.length === 0) {
    throw new Error('usage: kubeClusters.ts <out.json> <token> <cluster name>...');
  }
  const clusters: Record<string, string> = {};
  for (const name of names) {
    const emu = await KubeEmulator.start({
      resources: [...CORE_RESOURCES, ...OPERATOR_RESOURCES, ...EXTERNAL_SECRETS_RESOURCES],
      autoReady: true,
      token,
    });
    clusters[name] = emu.url;
  }
  fs.writeFileSync(out, JSON.stringify(clusters));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});
