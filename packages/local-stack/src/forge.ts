/**
 * The local forge (`@internal/monitoring-local-forge`): a Gitea API subset and git over HTTP on loopback, so the
 * software templates can publish to a repository and register it in the catalog with
 * Backstage's built-in `publish:gitea` and `catalog:register`. Its one user has a development
 * password generated into `.stack/secrets/` (loopback only, never a real credential);
 * repositories live in `.stack/forge/`.
 */
import * as path from 'node:path';
import { HOST, PORTS } from './endpoints';
import { HUB_STAGE } from './kube/processes';
import { StackPaths } from './paths';
import type { ProcessSpec } from './processes';
import { ensurePassword } from './secrets';

/** The user Backstage publishes as (`integrations.gitea` in app-config.yaml). */
export const FORGE_USER = 'backstage';
/** The organisation the forge creates at start: publish to `<forge host>?owner=team-platform&repo=...`. */
export const FORGE_ORG = 'team-platform';
/** Key of the forge user's password file in `.stack/secrets/`. */
const FORGE_SECRET = `forge-${FORGE_USER}`;

export const FORGE_SCRIPT = path.join(
  path.dirname(
    require.resolve('@internal/monitoring-local-forge/package.json'),
  ),
  'src',
  'main.ts',
);

/** Reads (creating on first use) the forge user's development password. */
export function ensureForgePassword(paths: StackPaths): string {
  return ensurePassword(paths, FORGE_SECRET);
}

export function forgeProcessSpec(paths: StackPaths): ProcessSpec {
  const root = paths.data('forge');
  return {
    name: 'forge',
    command: process.execPath,
    args: [
      // TypeScript, run like this package's cli.ts.
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      FORGE_SCRIPT,
      '--host',
      HOST,
      '--port',
      String(PORTS.forge),
      '--root',
      root,
      '--user',
      FORGE_USER,
      // A file, not the password: command lines are visible to every user.
      '--password-file',
      paths.secret(FORGE_SECRET),
      '--org',
      FORGE_ORG,
    ],
    port: PORTS.forge,
    healthPath: '/api/healthz',
    stage: HUB_STAGE,
    identity: [FORGE_SCRIPT],
    dirs: [root],
    reloadsOnSighup: false,
  };
}
