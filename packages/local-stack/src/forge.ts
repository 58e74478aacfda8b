/**
 * The stack's forge: a real Gitea (`gitea.ts`, built by `components.ts`) on 127.0.0.1:3300, so
 * the software templates publish with Backstage's built-in `publish:gitea`, the catalog reads
 * what they registered, and `monitoring:gitea:pull-request` opens pull requests. Its files live
 * in `.stack/gitea/`; its admin user's password and its own secrets are generated into
 * `.stack/secrets/` (development credentials, loopback only).
 */
import { BIN } from './binaries';
import { HOST, PORTS } from './endpoints';
import {
  GiteaLayout,
  giteaProcessSpec,
  GiteaSecrets,
  migrateGitea,
  newGiteaSecret,
  provisionGitea,
  writeGiteaConfig,
} from './gitea';
import { HUB_STAGE } from './kube/processes';
import { StackPaths } from './paths';
import type { ProcessSpec } from './processes';
import { ensurePassword } from './secrets';

/** The user Backstage publishes as (`integrations.gitea` in app-config.yaml), a Gitea admin. */
export const FORGE_USER = 'backstage';
/** The organisation created at start: publish to `127.0.0.1:3300?owner=team-platform&repo=...`. */
export const FORGE_ORG = 'team-platform';
/** Key of the forge user's password file in `.stack/secrets/`. */
const FORGE_SECRET = `forge-${FORGE_USER}`;
/** The process's name (`.stack/logs/gitea.log`, `npm run stack -- status`). */
export const FORGE_PROCESS = 'gitea';

/** Reads (creating on first use) the forge user's development password. */
export function ensureForgePassword(paths: StackPaths): string {
  return ensurePassword(paths, FORGE_SECRET);
}

export function forgeLayout(paths: StackPaths): GiteaLayout {
  return {
    dir: paths.data('gitea'),
    host: HOST,
    port: PORTS.forge,
    bin: BIN.gitea,
  };
}

/** Gitea's own secrets, generated once into `.stack/secrets/` so app.ini stays the same. */
function forgeSecrets(paths: StackPaths): GiteaSecrets {
  return {
    secretKey: ensurePassword(
      paths,
      'gitea-secret-key',
      newGiteaSecret.secretKey,
    ),
    internalToken: ensurePassword(
      paths,
      'gitea-internal-token',
      newGiteaSecret.internalToken,
    ),
    jwtSecret: ensurePassword(
      paths,
      'gitea-jwt-secret',
      newGiteaSecret.jwtSecret,
    ),
  };
}

/** The config step: writes `.stack/gitea/app.ini` (0600); whether it changed (a restart). */
export function writeForgeConfig(paths: StackPaths): boolean {
  return writeGiteaConfig(forgeLayout(paths), forgeSecrets(paths));
}

/** Before the first start: the database's tables (`gitea migrate`). */
export function prepareForge(paths: StackPaths): void {
  migrateGitea(forgeLayout(paths));
}

/**
 * After it answers, idempotent: the user `backstage` with the stack's password and the
 * organisation `team-platform`. Returns what it created, for the progress line.
 */
export async function provisionForge(paths: StackPaths): Promise<string[]> {
  return provisionGitea(forgeLayout(paths), {
    user: FORGE_USER,
    password: ensureForgePassword(paths),
    orgs: [FORGE_ORG],
  });
}

export function forgeProcessSpec(paths: StackPaths): ProcessSpec {
  return giteaProcessSpec(forgeLayout(paths), FORGE_PROCESS, HUB_STAGE);
}
