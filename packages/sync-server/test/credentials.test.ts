import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, verifySecret } from '../src/auth/credentials.js';

describe('device secrets at rest', () => {
  it('stores a salted SHA-256 that verifies the secret and nothing else', async () => {
    const secret = generateSecret();
    const stored = hashSecret(secret);
    expect(stored).toMatch(/^sha256\$[\w-]{22}\$[\w-]{43}$/);
    expect(stored).not.toContain(secret);
    expect(hashSecret(secret)).not.toBe(stored); // salted
    expect(await verifySecret(secret, stored)).toBe(true);
    expect(await verifySecret(generateSecret(), stored)).toBe(false);
    const [scheme, salt, hash] = stored.split('$');
    const flipped = Buffer.from(hash!, 'base64url');
    flipped[0]! ^= 1;
    expect(
      await verifySecret(secret, [scheme, salt, flipped.toString('base64url')].join('$')),
    ).toBe(false);
  });

  it('still verifies hashes stored in the earlier scrypt form, and refuses costly ones', async () => {
    const secret = generateSecret();
    const salt = randomBytes(16);
    const scrypt = (N: number) =>
      `scrypt$${N}$8$1$${salt.toString('base64url')}$${scryptSync(secret, salt, 32, { N, r: 8, p: 1 }).toString('base64url')}`;
    expect(await verifySecret(secret, scrypt(1024))).toBe(true);
    expect(await verifySecret(generateSecret(), scrypt(1024))).toBe(false);
    // A row asking for 128 MiB of scrypt memory is refused before any work.
    expect(await verifySecret(secret, scrypt(1024).replace('$1024$', '$131072$'))).toBe(false);
    expect(await verifySecret(secret, 'md5$x$y')).toBe(false);
  });
});
