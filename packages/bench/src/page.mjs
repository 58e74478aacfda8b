// `npm run bench:page`: the fleet page benchmark (fleetPage.bench.mjs) in Chromium, run by the
// e2e package's runner, which starts the app (frontend :3000, backend :7007) against the running
// local stack, runs the file with node:test and stops the app. Figures go to stdout, the pass and
// fail counts to .bench/page.json (or the path given).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const runner = fileURLToPath(
  import.meta.resolve('@internal/monitoring-e2e/run'),
);

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run bench:page [-- results.json]

Times the fleet page in Chromium on a synthetic fleet of 5,000 services, answered in the
page's network layer as the backend pages it (BENCH_FLEET_RESPONSE: a saved full answer instead;
BENCH_PAGE_SERVER_MS: a delay per answer). Needs the local stack; starts and
stops the app itself (ports 3000 and 7007 must be free). Runner: ${path.relative(repoRoot, runner)}`);
  process.exit(0);
}

// The runner takes E2E_ONLY relative to its own test folder, and the results file as argument.
process.env.E2E_ONLY = path.relative(
  path.dirname(runner),
  path.join(here, 'fleetPage.bench.mjs'),
);
process.argv[2] = path.resolve(
  process.env.INIT_CWD ?? process.cwd(),
  process.argv[2] ?? path.join(repoRoot, '.bench/page.json'),
);
await import('@internal/monitoring-e2e/run');
