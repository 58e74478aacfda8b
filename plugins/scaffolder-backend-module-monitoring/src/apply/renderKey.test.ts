/** `monitoring.apply.renderKey`: base64 of at least 32 random bytes, checked at start-up. */
import { randomBytes } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { RenderSeal } from './seal';

const withKey = (renderKey: string) =>
  mockServices.rootConfig({ data: { monitoring: { apply: { renderKey } } } });

describe('RenderSeal.fromConfig', () => {
  /** The HMAC key a seal holds (private; read here so these tests need no seal()/open()). */
  const keyOf = (seal: RenderSeal) => (seal as unknown as { key: Buffer }).key;

  it('takes base64 of 32 random bytes (as openssl rand -base64 32 prints it) as the key bytes', () => {
    const key = randomBytes(32);
    expect(
      keyOf(RenderSeal.fromConfig(withKey(key.toString('base64')))),
    ).toEqual(key);
    // The same bytes URL-safe and unpadded, or with the newline of a file, are the same key.
    expect(
      keyOf(RenderSeal.fromConfig(withKey(key.toString('base64url')))),
    ).toEqual(key);
    expect(
      keyOf(RenderSeal.fromConfig(withKey(`${key.toString('base64')}\n`))),
    ).toEqual(key);
    // Longer keys are fine.
    const long = randomBytes(64);
    expect(
      keyOf(RenderSeal.fromConfig(withKey(long.toString('base64')))),
    ).toEqual(long);
  });

  it.each([
    ['not base64', 'not base64 at all: 32+ characters long!', /is not base64/],
    [
      // 32 characters, which the old check accepted: it decodes to 24 bytes.
      'a passphrase of 32 characters',
      'this-is-a-long-enough-passphrase',
      /decodes to 24 bytes, fewer than 32/,
    ],
    [
      '16 random bytes',
      randomBytes(16).toString('base64'),
      /decodes to 16 bytes, fewer than 32/,
    ],
    [
      'non-canonical base64',
      `${randomBytes(32).toString('base64').slice(0, 42)}B=`,
      /is not base64/,
    ],
    [
      'one repeated byte',
      Buffer.alloc(32, 0x41).toString('base64'),
      /is not random/,
    ],
    [
      'a short repeated pattern',
      Buffer.from('0123456789'.repeat(4)).toString('base64'),
      /is not random/,
    ],
    [
      'a counting sequence',
      Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('base64'),
      /is not random/,
    ],
  ])(
    'refuses %s, saying how to make one and never echoing it',
    (_what, key, message) => {
      const err = (() => {
        try {
          RenderSeal.fromConfig(withKey(key));
          return undefined;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err?.message).toMatch(message);
      expect(err?.message).toMatch(/^monitoring\.apply\.renderKey /);
      expect(err?.message).toContain('openssl rand -base64 32');
      expect(err?.message).not.toContain(key);
    },
  );

  it('uses a random key for the process when unset, with a warning', () => {
    const warn = jest.fn();
    const seal = RenderSeal.fromConfig(mockServices.rootConfig(), { warn });
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('monitoring.apply.renderKey is not set'),
    );
    expect(keyOf(seal)).toHaveLength(32);
    expect(keyOf(RenderSeal.fromConfig(mockServices.rootConfig()))).not.toEqual(
      keyOf(seal),
    );
  });
});
