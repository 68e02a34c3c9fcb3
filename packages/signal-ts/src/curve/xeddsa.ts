/**
 * XEdDSA over Curve25519, exactly as libsignal computes it (rust/core/src/curve/curve25519.rs and
 * https://signal.org/docs/specifications/xeddsa/), on @noble/curves' Edwards arithmetic.
 *
 * libsignal's variant: the Edwards public key A = aB keeps its own sign bit (instead of forcing it
 * to 0 as the paper does) and ships it in the otherwise unused top bit of the signature's last byte.
 * The verifier maps the Montgomery u to Edwards y = (u - 1) / (u + 1) and takes x's sign from there.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, constantTimeEqual, type Bytes } from '../bytes.js';
import { CURVE25519_KEY_LENGTH, SIGNATURE_LENGTH } from '../consts.js';
import { ed25519Verify } from './webcrypto.js';

export type EdwardsPoint = InstanceType<typeof ed25519.Point>;

const Point = ed25519.Point;
const Fp = Point.Fp;
const Fn = Point.Fn;
const SIGN_BIT = 0x80;
/** Nonce-hash domain separator: 0xFE followed by 31 bytes of 0xFF (XEdDSA's hash_1 prefix). */
const NONCE_PREFIX = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xfe : 0xff));
/** Random bytes mixed into the nonce hash, as libsignal does. */
export const XEDDSA_NONCE_RANDOM_LENGTH = 64;

function scalarFromWideHash(...parts: Uint8Array[]): bigint {
  return Fn.create(bytesToNumberLE(sha512(concatBytes(...parts))));
}

/** The Edwards form of a clamped X25519 private scalar: `a` mod L and the compressed A = aB. */
export interface XEdDSASigningKey {
  readonly scalarBytes: Uint8Array;
  readonly scalar: bigint;
  readonly publicPoint: Bytes;
}

/**
 * Edwards public keys (A = aB) of recently used private keys, keyed by a SHA-256 digest of the
 * private key. Computing A is a constant-time base-point multiplication, as costly as the signature
 * itself; a sender-key chain signs every group message with a key it reloads from storage each
 * time, so without this cache every message would pay twice. Only public points are kept.
 */
const publicPointCache = new Map<string, Bytes>();
const PUBLIC_POINT_CACHE_SIZE = 64;

function cachedPublicPoint(clampedPrivateKey: Uint8Array, scalar: bigint): Bytes {
  const id = Array.from(sha256(clampedPrivateKey), (b) => b.toString(16).padStart(2, '0')).join('');
  let point = publicPointCache.get(id);
  if (point === undefined) {
    point = new Uint8Array(Point.BASE.multiply(scalar).toBytes());
    if (publicPointCache.size >= PUBLIC_POINT_CACHE_SIZE) {
      publicPointCache.delete(publicPointCache.keys().next().value as string);
    }
  } else {
    publicPointCache.delete(id); // re-inserted below as most recently used
  }
  publicPointCache.set(id, point);
  return point;
}

/** Precomputes what signing needs from a clamped 32-byte private key (cache it per key). */
export function xeddsaSigningKey(clampedPrivateKey: Uint8Array): XEdDSASigningKey {
  const scalar = Fn.create(bytesToNumberLE(clampedPrivateKey));
  return {
    scalarBytes: clampedPrivateKey,
    scalar,
    publicPoint: cachedPublicPoint(clampedPrivateKey, scalar),
  };
}

/** Signs `message`; `random` must be 64 fresh CSPRNG bytes (tests may pass fixed ones). */
export function xeddsaSign(key: XEdDSASigningKey, message: Uint8Array, random: Uint8Array): Bytes {
  const r = scalarFromWideHash(NONCE_PREFIX, key.scalarBytes, message, random);
  const R = Point.BASE.multiply(r).toBytes();
  const h = scalarFromWideHash(R, key.publicPoint, message);
  const s = Fn.add(Fn.mul(h, key.scalar), r);
  const signature = concatBytes(R, numberToBytesLE(s, 32));
  const last = SIGNATURE_LENGTH - 1;
  signature[last] =
    ((signature[last] as number) & ~SIGN_BIT) | ((key.publicPoint[31] as number) & SIGN_BIT);
  return signature;
}

/**
 * The compressed Edwards public key for Montgomery `u` with x's sign `signBit` (0 or 1): y = (u - 1)
 * / (u + 1) with the sign in bit 255; null for u = -1, where libsignal's `to_edwards` fails. Whether
 * a point with that y exists is left to decompression.
 */
export function edwardsPublicKeyBytes(u: Uint8Array, signBit: number): Uint8Array | null {
  const uMasked = Uint8Array.from(u);
  uMasked[31] = (uMasked[31] as number) & 0x7f; // the field element ignores bit 255
  const uValue = Fp.create(bytesToNumberLE(uMasked));
  if (uValue === Fp.neg(Fp.ONE)) return null;
  const y = Fp.mul(Fp.sub(uValue, Fp.ONE), Fp.inv(Fp.add(uValue, Fp.ONE)));
  const encoded = numberToBytesLE(y, 32);
  // u = 0 maps to (0, -1): x is 0, whose "negative" is itself; libsignal accepts either sign bit
  // there and compresses it without, so drop it to match (noble would refuse x = 0 with it set).
  if (uValue !== Fp.ZERO) encoded[31] = (encoded[31] as number) | (signBit << 7);
  return encoded;
}

/** The Edwards point for `u` and `signBit`, or null where libsignal's conversion fails. */
export function montgomeryToEdwards(u: Uint8Array, signBit: number): EdwardsPoint | null {
  const encoded = edwardsPublicKeyBytes(u, signBit);
  if (encoded === null) return null;
  try {
    return Point.fromBytes(encoded);
  } catch {
    return null;
  }
}

/**
 * Splits a signature into its key-selecting sign bit and canonical form R || (s mod L), or null
 * when libsignal would reject it outright (wrong length, s with any of its top three bits set).
 */
function canonicalSignature(
  signature: Uint8Array,
): { signBit: number; R: Uint8Array; s: bigint } | null {
  if (signature.length !== SIGNATURE_LENGTH) return null;
  const last = SIGNATURE_LENGTH - 1;
  const sBytes = Uint8Array.from(signature.subarray(32));
  sBytes[31] = (sBytes[31] as number) & 0x7f;
  // libsignal refuses s >= 2^253 before reducing it mod L.
  if (((sBytes[31] as number) & 0xe0) !== 0) return null;
  return {
    signBit: ((signature[last] as number) & SIGN_BIT) >> 7,
    R: signature.subarray(0, 32),
    s: Fn.create(bytesToNumberLE(sBytes)),
  };
}

/**
 * Verifies an XEdDSA signature by the key with Montgomery u-coordinate `u` (32 bytes). Returns false
 * for any malformed input rather than throwing. `edwardsFor` lets a caller cache the decompressed
 * point per sign bit (verification of group messages repeats it for one key).
 */
export function xeddsaVerify(
  u: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  edwardsFor: (signBit: number) => EdwardsPoint | null = (bit) => montgomeryToEdwards(u, bit),
): boolean {
  if (u.length !== CURVE25519_KEY_LENGTH) return false;
  const parts = canonicalSignature(signature);
  if (parts === null) return false;
  const A = edwardsFor(parts.signBit);
  if (A === null) return false;
  const h = scalarFromWideHash(parts.R, A.toBytes(), message);
  const check = Point.BASE.multiplyUnsafe(parts.s).add(A.negate().multiplyUnsafe(h));
  return constantTimeEqual(check.toBytes(), parts.R);
}

/**
 * The same check through WebCrypto's Ed25519 (XEdDSA verification is Ed25519 verification under the
 * converted key, once s is reduced), falling back to xeddsaVerify where WebCrypto lacks Ed25519.
 */
export async function xeddsaVerifyAsync(
  u: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  edwardsBytesFor: (signBit: number) => Uint8Array | null = (bit) => edwardsPublicKeyBytes(u, bit),
): Promise<boolean> {
  if (u.length !== CURVE25519_KEY_LENGTH) return false;
  const parts = canonicalSignature(signature);
  if (parts === null) return false;
  const A = edwardsBytesFor(parts.signBit);
  if (A === null) return false;
  const verdict = await ed25519Verify(
    A,
    message,
    concatBytes(parts.R, numberToBytesLE(parts.s, 32)),
  );
  return verdict ?? xeddsaVerify(u, message, signature);
}
