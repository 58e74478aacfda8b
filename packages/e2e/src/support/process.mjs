// What the runners of the browser tests share: ports, process groups, running node:test files
// and writing their counts for the test command's summary.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** Whether something accepts connections on 127.0.0.1:port. */
export function portInUse(port) {
  return new Promise(resolve => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stops a detached child and its process group; it may have exited already. Never throws: it
 * runs in exit handlers, where a throw would hide the real outcome.
 */
export function stopGroup(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch (error) {
    if (error.code !== 'ESRCH') {
      console.error(`could not stop process group ${child.pid}: ${error.code}`);
    }
  }
}

/** Writes the pass/fail counts where scripts/test.sh's summary reads them. */
export function writeResults(resultsFile, numPassedTests, numFailedTests) {
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.writeFileSync(
    resultsFile,
    JSON.stringify({ numPassedTests, numFailedTests }),
  );
}

/**
 * Runs node:test files with the spec reporter on stdout and TAP into `tapFile`, then writes the
 * TAP's pass/fail counts to `resultsFile`. Resolves with node's exit status.
 */
export function runNodeTests(files, { cwd, env, tapFile, resultsFile }) {
  const run = spawnSync(
    process.execPath,
    [
      '--test',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tapFile}`,
      ...files,
    ],
    { cwd, env, stdio: 'inherit' },
  );
  const text = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  const count = name =>
    Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  writeResults(resultsFile, count('pass'), count('fail'));
  return run.status ?? 1;
}
