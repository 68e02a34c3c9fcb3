import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { SECRET_BYTES, SECRET_PATTERN } from '@parley/protocol';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * scrypt cost parameters. The secret is 256 bits from the CSPRNG, so no work factor changes how
 * hard it is to guess; the hash only keeps a leaked database from holding usable credentials.
 * The cost is kept low because every connect verifies (docs/decisions/0102-device-credentials.md).
 * The parameters are stored with each hash, so raising them later needs no migration.
 */
const SCRYPT = { N: 1 << 10, r: 8, p: 1 } as const;
const HASH_BYTES = 32;
const SALT_BYTES = 16;

/** A new device secret: SECRET_BYTES random bytes as base64url (43 characters). */
export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** `scrypt$N$r$p$salt$hash` with base64url salt and hash. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(secret, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p);
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(
    secret,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function derive(secret: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return scryptAsync(secret, salt, HASH_BYTES, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
}

/** A cheap digest to remember secrets that already passed scrypt (see VerifiedSecretCache). */
export function fastDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** True for strings shaped like a secret from generateSecret (cheap pre-check before scrypt). */
export function looksLikeSecret(secret: string): boolean {
  return SECRET_PATTERN.test(secret);
}
