import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BIN } from './binaries';
import { binaryPath, GITEA_COMPONENT } from './components';
import { forgeLayout, forgeProcessSpec } from './forge';
import {
  giteaAppIni,
  giteaFiles,
  GiteaLayout,
  writeGiteaConfig,
} from './gitea';
import {
  GITEA_WEB_NODE_VERSION,
  giteaWebManifest,
  nodeIsRecentEnough,
} from './giteaWeb';
import { stackPaths } from './paths';

const layout: GiteaLayout = {
  dir: '/srv/stack/gitea',
  host: '127.0.0.1',
  port: 3300,
  bin: '/cache/gitea-v1.26.0/gitea',
};
const secrets = { secretKey: 'sk', internalToken: 'it', jwtSecret: 'jwt' };

/** `{ section: { KEY: value } }` of an ini file ('' for the keys before the first section). */
function ini(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = { '': {} };
  let section = '';
  for (const line of text.split('\n')) {
    const header = /^\[(.+)\]$/.exec(line);
    if (header) out[(section = header[1])] = {};
    const kv = /^([A-Z_]+) = (.*)$/.exec(line);
    if (kv) out[section][kv[1]] = kv[2];
  }
  return out;
}

describe("the local Gitea's app.ini", () => {
  it('serves on loopback from the stack folder, installed, offline, without SSH or registration', () => {
    const cfg = ini(giteaAppIni(layout, secrets, { asRoot: false }));
    expect(cfg.server).toMatchObject({
      HTTP_ADDR: '127.0.0.1',
      HTTP_PORT: '3300',
      ROOT_URL: 'http://127.0.0.1:3300/',
      // options/, templates/ and public/ lie beside the binary.
      STATIC_ROOT_PATH: '/cache/gitea-v1.26.0',
      OFFLINE_MODE: 'true',
      DISABLE_SSH: 'true',
      START_SSH_SERVER: 'false',
    });
    expect(cfg.database).toEqual({
      DB_TYPE: 'sqlite3',
      PATH: '/srv/stack/gitea/data/gitea.db',
    });
    expect(cfg.repository.ROOT).toBe('/srv/stack/gitea/repositories');
    expect(cfg.security).toEqual({
      INSTALL_LOCK: 'true',
      SECRET_KEY: 'sk',
      INTERNAL_TOKEN: 'it',
    });
    // Gitea writes a JWT secret into app.ini when it has none, even with OAuth2 off.
    expect(cfg.oauth2).toEqual({ ENABLED: 'false', JWT_SECRET: 'jwt' });
    expect(cfg.service.DISABLE_REGISTRATION).toBe('true');
    expect(cfg['cron.update_checker'].ENABLED).toBe('false');
    expect(cfg.log).toEqual({ MODE: 'console', LEVEL: 'warn' });
    expect(cfg[''].WORK_PATH).toBe('/srv/stack/gitea');
  });

  it('accepts root only when running as root (CI containers)', () => {
    expect(
      ini(giteaAppIni(layout, secrets, { asRoot: false }))[''],
    ).not.toHaveProperty('I_AM_BEING_UNSAFE_RUNNING_AS_ROOT');
    expect(
      ini(giteaAppIni(layout, secrets, { asRoot: true }))[''],
    ).toMatchObject({ I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: 'true' });
    expect(ini(giteaAppIni(layout, secrets))['']).toEqual(
      expect.objectContaining(
        process.getuid?.() === 0
          ? { I_AM_BEING_UNSAFE_RUNNING_AS_ROOT: 'true' }
          : {},
      ),
    );
  });

  it('is written 0600 (it holds the secrets) and reports a change only when there is one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gitea-ini-'));
    try {
      const at = { ...layout, dir };
      expect(writeGiteaConfig(at, secrets)).toBe(true);
      const file = giteaFiles(at).config;
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(writeGiteaConfig(at, secrets)).toBe(false);
      expect(writeGiteaConfig(at, { ...secrets, secretKey: 'other' })).toBe(
        true,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the stack's forge", () => {
  it('is the pinned Gitea on the forge port, its files under <stack>/gitea', () => {
    const paths = stackPaths('/srv/stack');
    expect(BIN.gitea).toBe(binaryPath(GITEA_COMPONENT));
    expect(BIN.gitea).toMatch(/\/gitea-v1\.26\.0\/gitea$/);
    expect(forgeLayout(paths)).toEqual({
      dir: '/srv/stack/gitea',
      host: '127.0.0.1',
      port: 3300,
      bin: BIN.gitea,
    });
    expect(forgeProcessSpec(paths)).toMatchObject({
      name: 'gitea',
      command: BIN.gitea,
      args: ['web', '--config', '/srv/stack/gitea/app.ini'],
      port: 3300,
      healthPath: '/api/healthz',
      identity: ['/srv/stack/gitea/app.ini'],
      reloadsOnSighup: false,
    });
  });
});

describe("Gitea's web bundle", () => {
  it("builds with the running Node only when it meets Gitea's engines (>= 22.18), else a pinned one", () => {
    expect(nodeIsRecentEnough('20.20.2')).toBe(false);
    expect(nodeIsRecentEnough('22.17.9')).toBe(false);
    expect(nodeIsRecentEnough('22.18.0')).toBe(true);
    expect(nodeIsRecentEnough('24.1.0')).toBe(true);
    expect(nodeIsRecentEnough(GITEA_WEB_NODE_VERSION)).toBe(true);
  });

  it('counts as built once vite wrote its manifest beside the binary', () => {
    expect(giteaWebManifest('/cache/gitea-v1.26.0')).toBe(
      '/cache/gitea-v1.26.0/public/assets/.vite/manifest.json',
    );
  });
});
