/**
 * Benchmarks on the real local stack (`npm run bench`). Prints figures; asserts nothing.
 *
 * 1. Entity metrics: GET .../metrics over HTTP against the same queries sent directly and in
 *    parallel to VMSelect (through vmauth, as the backend does), median of N (metrics.ts).
 * 2. Coalescing: 100 concurrent identical requests, counting upstream queries (metrics.ts).
 * 3. Rendering and validating a hub and 100 spokes (the manifests builders, render.ts).
 * 4. Entity alerts: 200 requests over 50 entities in a minute, over HTTP (alerts.ts).
 * 5. The fleet at 1,000 and 5,000 services on synthetic series: the snapshot's refresh and
 *    reads from it (fleet.ts).
 * 6. Load: 1 to 200 distinct users on the fleet, the entity tab and its alerts at 5,000
 *    services (load.ts).
 *
 * `npm run bench -- fleet` (or `load`, `alerts`, `entity`, `render`) runs one part; `render`
 * needs no stack. With BENCH_STACK_DIR the running stack of another checkout is used (stack.ts).
 * The page benchmark (`npm run bench:page`) is fleetPage.bench.mjs, run by page.mjs.
 */
import { benchAlerts } from './alerts';
import { benchFleet } from './fleet';
import { benchLoad } from './load';
import { benchEntity } from './metrics';
import { parseArgs, USAGE } from './args';
import { renderBench } from './render';
import { median } from './support';
import { benchStackEnv } from './stack';

function benchRender() {
  const runs = Array.from({ length: 5 }, () => renderBench());
  console.log(
    `Render + validate + YAML of a hub and 100 spokes: first ${runs[0].toFixed(0)} ms (loads the CRD schemas), then median ${median(runs.slice(1)).toFixed(0)} ms (target: well under 1000 ms)`,
  );
}

async function main() {
  const parts = parseArgs(process.argv.slice(2));
  if (!parts) {
    console.log(USAGE);
    return;
  }
  const needsStack = parts.some(p => p !== 'render');
  // Started only when a part needs it, so `--help` and `render` start nothing.
  const env = needsStack ? await benchStackEnv() : undefined;
  for (const part of parts) {
    if (part === 'render') benchRender();
    else if (part === 'entity') await benchEntity(env!);
    else if (part === 'alerts') await benchAlerts(env!);
    else if (part === 'load') await benchLoad(env!);
    else await benchFleet(env!);
  }
}

main().then(
  () => process.exit(0),
  e => {
    console.error(e);
    process.exit(1);
  },
);
