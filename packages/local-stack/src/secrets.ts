/**
 * vmauth passwords: generated once per user into `<dir>/secrets/<user>.password` (dir 0700,
 * file 0600) and reused on every later start. Never logged.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { StackPaths } from './paths';

function newPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Reads the user's password, creating it first (with `generate`) if it does not exist yet. */
export function ensurePassword(
  paths: StackPaths,
  user: string,
  generate: () => string = newPassword,
): string {
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.secrets, 0o700);
  const file = paths.secret(user);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const password = generate();
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if (e.code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw e;
  }
  return password;
}

/**
 * The local app's `monitoring.apply.renderKey` (`MONITORING_RENDER_KEY`): 32 random bytes in
 * base64, as `openssl rand -base64 32` makes it, generated once so a restarted backend still
 * applies what it rendered before.
 */
export function ensureRenderKey(paths: StackPaths): string {
  return ensurePassword(paths, 'monitoring-render-key', () =>
    randomBytes(32).toString('base64'),
  );
}

/** Passwords for several users, by user name. */
export function ensurePasswords(
  paths: StackPaths,
  users: string[],
): Record<string, string> {
  return Object.fromEntries(users.map(u => [u, ensurePassword(paths, u)]));
}
