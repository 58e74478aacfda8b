/**
 * Basic authentication of the local forge. There is one user (the one Backstage publishes as)
 * with a development password generated into the stack's data dir: loopback only, never a real
 * credential. Like Gitea, a request with wrong credentials is refused even where anonymous
 * access would be allowed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export interface ForgeUser {
  name: string;
  password: string;
}

export type AuthResult =
  { kind: 'anonymous' } | { kind: 'user'; name: string } | { kind: 'invalid' };

/** Equal-length digests, so the comparison takes the same time whatever the input. */
const digest = (value: string) => createHash('sha256').update(value).digest();

/** Reads `Authorization: Basic ...` (any case, as Backstage's Gitea client sends `basic`). */
export function authenticate(
  header: string | undefined,
  user: ForgeUser,
): AuthResult {
  if (!header) return { kind: 'anonymous' };
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return { kind: 'invalid' }; // e.g. `token ...`: the forge has no access tokens
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { kind: 'invalid' };
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Gitea user names are case-insensitive.
  const nameOk = timingSafeEqual(
    digest(name.toLowerCase()),
    digest(user.name.toLowerCase()),
  );
  const passwordOk = timingSafeEqual(digest(password), digest(user.password));
  return nameOk && passwordOk
    ? { kind: 'user', name: user.name }
    : { kind: 'invalid' };
}
