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

/** Reads the user's password, creating it first if it does not exist yet. */
export function ensurePassword(paths: StackPaths, user: string): string {
  fs.mkdirSync(paths.secrets, { recursive: true, mode: 0o700 });
  fs.chmodSync(paths.secrets, 0o700);
  const file = paths.secret(user);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) return existing;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const password = newPassword();
  // 'wx' fails if another process created the file meanwhile; then read theirs.
  try {
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    if (e.code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw e;
  }
  return password;
}

/** Passwords for several users, by user name. */
export function ensurePasswords(
  paths: StackPaths,
  users: string[],
): Record<string, string> {
  return Object.fromEntries(users.map(u => [u, ensurePassword(paths, u)]));
}
