/**
 * A real Gitea for a test, on a free loopback port in a temporary folder, with an admin user and
 * an organisation: a few seconds with the binary cached. `stop()` stops exactly its process and
 * deletes the folder.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './http';
import { BIN } from './binaries';
import { ensureComponents } from './components';
import {
  GiteaLayout,
  giteaProcessSpec,
  giteaUrl,
  migrateGitea,
  newGiteaSecret,
  provisionGitea,
  writeGiteaConfig,
} from './gitea';
import { stackPaths } from './paths';
import { stopProcess } from './procControl';
import { startStage } from './start';

/** A Gitea for one test: its URL, host (as `integrations.gitea` names it) and admin account. */
export interface TestGitea {
  url: string;
  /** `127.0.0.1:<port>`: the host of a scaffolder `repoUrl`. */
  host: string;
  user: string;
  password: string;
  org: string;
  /** The folder it keeps its files in (deleted by `stop()`). */
  dir: string;
  stop(): Promise<void>;
}

export async function startTestGitea(
  opts: { org?: string; timeoutMs?: number } = {},
): Promise<TestGitea> {
  ensureComponents(() => {});
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitea-test-'));
  const layout: GiteaLayout = {
    dir: path.join(dir, 'gitea'),
    host: '127.0.0.1',
    port: await freePort(),
    bin: BIN.gitea,
  };
  const paths = stackPaths(dir);
  const spec = giteaProcessSpec(layout, 'gitea', 0);
  const account = {
    user: 'backstage',
    password: randomBytes(24).toString('base64url'),
    orgs: [opts.org ?? 'team-platform'],
  };
  const stop = async () => {
    await stopProcess(paths, spec);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    writeGiteaConfig(layout, {
      secretKey: newGiteaSecret.secretKey(),
      internalToken: newGiteaSecret.internalToken(),
      jwtSecret: newGiteaSecret.jwtSecret(),
    });
    migrateGitea(layout);
    await startStage(
      paths,
      [spec],
      new Set(),
      Date.now() + (opts.timeoutMs ?? 60_000),
      () => {},
    );
    await provisionGitea(layout, account);
    return {
      url: giteaUrl(layout),
      host: `${layout.host}:${layout.port}`,
      user: account.user,
      password: account.password,
      org: account.orgs[0],
      dir,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
