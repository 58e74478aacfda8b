// Starts the app the way `npm start` does (frontend :3000, backend :7007) against the running
// local stack, runs the browser tests in packages/e2e/src/ with Debian's Chromium, then stops the app.
// Usage: npm run test:e2e -- [results.json]; E2E_ONLY=fleet runs packages/e2e/src/fleet.test.mjs only.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  portInUse,
  runNodeTests,
  stopGroup,
  writeResults,
} from './support/process.mjs';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../..',
);
const resultsFile = process.argv[2] ?? path.join(root, '.e2e/results/e2e.json');
const logDir = path.join(root, '.e2e');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
fs.mkdirSync(logDir, { recursive: true });

for (const port of [3000, 7007]) {
  if (await portInUse(port)) {
    console.error(
      `Port ${port} is in use: stop the running Backstage (npm start) before the browser test.`,
    );
    process.exit(1);
  }
}

const stackEnv = spawnSync(
  'npm',
  ['run', '-s', 'stack', '--', 'env', '--json'],
  { cwd: root, encoding: 'utf8' },
);
if (stackEnv.status !== 0) {
  console.error(
    'Cannot read the local stack environment: is it started (npm run stack -- start)?',
  );
  process.exit(1);
}
const env = { ...process.env, ...JSON.parse(stackEnv.stdout), BROWSER: 'none' };

const appLog = fs.openSync(path.join(logDir, 'app.log'), 'w');
const app = spawn('npx', ['backstage-cli', 'repo', 'start'], {
  cwd: root,
  env,
  detached: true, // its own process group, so the frontend and backend stop together
  stdio: ['ignore', appLog, appLog],
});
const stopApp = () => stopGroup(app);
process.on('exit', stopApp);

async function waitFor(url, what, timeoutMs) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (app.exitCode !== null)
      throw new Error(`the app exited while starting; see .e2e/app.log`);
    try {
      const res = await fetch(url);
      if (res.ok) {
        console.log(
          `${what} answers (${((Date.now() - started) / 1000).toFixed(1)} s)`,
        );
        return;
      }
    } catch {
      // not answering yet
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  throw new Error(
    `${what} did not answer ${url} within ${timeoutMs / 1000} s; see .e2e/app.log`,
  );
}

let status = 1;
try {
  console.log(
    'Starting Backstage (backstage-cli repo start), log in .e2e/app.log',
  );
  await waitFor(
    'http://localhost:7007/.backstage/health/v1/readiness',
    'backend',
    240_000,
  );
  await waitFor('http://localhost:3000/', 'frontend', 240_000);
  const files = process.env.E2E_ONLY
    ? process.env.E2E_ONLY.split(',').map(n =>
        n.endsWith('.mjs')
          ? `packages/e2e/src/${n}`
          : `packages/e2e/src/${n}.test.mjs`,
      )
    : ['packages/e2e/src/'];
  status = runNodeTests(files, {
    cwd: root,
    env: { ...env, E2E_BASE_URL: 'http://localhost:3000' },
    tapFile: path.join(logDir, 'e2e.tap'),
    resultsFile,
  });
} catch (e) {
  console.error(String(e.message ?? e));
  writeResults(resultsFile, 0, 1);
} finally {
  stopApp();
}
process.exit(status);
