/**
 * Where the local stack keeps its files.
 *
 * Everything lives under one data directory: `$MONITORING_STACK_DIR`, or `<repo>/.stack`
 * (gitignored). Nothing outside it is written.
 */
import * as path from 'node:path';

/** The monorepo root (this file is `<repo>/packages/local-stack/src/paths.ts`). */
// eslint-disable-next-line no-restricted-syntax -- tooling run from the repository, never bundled
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

/** The demo exporter, plain ESM JavaScript run with the current `node`. */
// eslint-disable-next-line no-restricted-syntax -- tooling run from the repository, never bundled
export const DEMO_EXPORTER_SCRIPT = path.join(__dirname, 'demo-exporter.mjs');

/** A file whose presence marks a directory as a stack data dir (guards `stop --purge`). */
export const MARKER_FILE = '.monitoring-stack';

export interface StackPaths {
  dir: string;
  logs: string;
  pids: string;
  config: string;
  rules: string;
  secrets: string;
  marker: string;
  log(name: string): string;
  pid(name: string): string;
  configFile(name: string): string;
  secret(user: string): string;
  data(name: string): string;
}

/** The data dir layout, resolved from `dir`, `$MONITORING_STACK_DIR` or `<repo>/.stack`. */
export function stackPaths(dir?: string): StackPaths {
  const root = path.resolve(
    dir ?? (process.env.MONITORING_STACK_DIR || path.join(REPO_ROOT, '.stack')),
  );
  const config = path.join(root, 'config');
  const secrets = path.join(root, 'secrets');
  return {
    dir: root,
    logs: path.join(root, 'logs'),
    pids: path.join(root, 'pids'),
    config,
    rules: path.join(config, 'rules'),
    secrets,
    marker: path.join(root, MARKER_FILE),
    log: name => path.join(root, 'logs', `${name}.log`),
    pid: name => path.join(root, 'pids', `${name}.pid`),
    configFile: name => path.join(config, name),
    secret: user => path.join(secrets, `${user}.password`),
    data: name => path.join(root, name),
  };
}
