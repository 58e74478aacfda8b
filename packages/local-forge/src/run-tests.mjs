// Runs the local forge's tests (node:test, real git against the forge process) and writes the
// pass/fail counts where scripts/test.sh's summary reads them.
// Usage: node packages/local-forge/src/run-tests.mjs [results.json]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
);
const resultsFile =
  process.argv[2] ?? path.join(root, '.e2e/results/forge.json');
fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
const tap = `${resultsFile}.tap`;

const run = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    'packages/local-forge/src/',
  ],
  { cwd: root, stdio: 'inherit' },
);
const text = fs.existsSync(tap) ? fs.readFileSync(tap, 'utf8') : '';
fs.rmSync(tap, { force: true });
const count = name =>
  Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
const failed =
  count('fail') + (run.status !== 0 && count('fail') === 0 ? 1 : 0);
fs.writeFileSync(
  resultsFile,
  JSON.stringify({ numPassedTests: count('pass'), numFailedTests: failed }),
);
process.exit(run.status ?? 1);
