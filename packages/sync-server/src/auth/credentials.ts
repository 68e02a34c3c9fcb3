import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { SECRET_BYTES, SECRET_PATTERN } from '@parley/protocol';

/**
 * How a secret is stored: `sha256$salt$hash`, hash = SHA-256(salt || secret). The secret is 256
 * bits from the CSPRNG, so no work factor makes it harder to guess; the hash only keeps a leaked
 * database from holding usable credentials, which a salted SHA-256 of 256 random bits does as
 * well as any KDF (docs/decisions/0102-device-credentials.md). Every connect verifies, so the
 * check costs microseconds, not the milliseconds of a KDF that a reconnect storm multiplies.
 */
const SALT_BYTES = 16;

/**
 * Hashes stored before the SHA-256 scheme: `scrypt$N$r$p$salt$hash`. Still verified, so
 * existing devices keep working; new and re-registered devices get the SHA-256 scheme.
 */
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
/** Most memory a stored scrypt hash may make us spend (N=2^14, r=8): a hostile row stays cheap. */
const MAX_SCRYPT_MEMORY = 16 * 1024 * 1024;

/** A new device secret: SECRET_BYTES random bytes as base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

export function hashSecret(secret: string): string {
  const salt = randomBytes(SALT_BYTES);
  return [
    'sha256',
    salt.toString('base64url'),
    saltedDigest(salt, secret).toString('base64url'),
  ].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, ...fields] = stored.split('$');
  let expected: Buffer;
  let actual: Buffer;
  if (scheme === 'sha256' && fields.length === 2) {
    const [salt, hash] = fields as [string, string];
    expected = Buffer.from(hash, 'base64url');
    actual = saltedDigest(Buffer.from(salt, 'base64url'), secret);
  } else if (scheme === 'scrypt' && fields.length === 5) {
    const [n, r, p, salt, hash] = fields.map(String) as [string, string, string, string, string];
    const cost = { N: Number(n), r: Number(r), p: Number(p) };
    const memory = 128 * cost.N * cost.r;
    if (!(memory > 0 && memory <= MAX_SCRYPT_MEMORY)) return false;
    expected = Buffer.from(hash, 'base64url');
    actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
      ...cost,
      maxmem: 2 * MAX_SCRYPT_MEMORY,
    });
  } else {
    return false;
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function saltedDigest(salt: Buffer, secret: string): Buffer {
  return createHash('sha256').update(salt).update(secret).digest();
}

/** True for strings shaped like a secret from generateSecret (a cheap check before any lookup). */
export function looksLikeSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}
