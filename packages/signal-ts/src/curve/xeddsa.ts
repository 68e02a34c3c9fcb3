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
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, constantTimeEqual, type Bytes } from '../bytes.js';
import { CURVE25519_KEY_LENGTH, SIGNATURE_LENGTH } from '../consts.js';

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

/** Precomputes what signing needs from a clamped 32-byte private key (cache it per key). */
export function xeddsaSigningKey(clampedPrivateKey: Uint8Array): XEdDSASigningKey {
  const scalar = Fn.create(bytesToNumberLE(clampedPrivateKey));
  return {
    scalarBytes: clampedPrivateKey,
    scalar,
    publicPoint: new Uint8Array(Point.BASE.multiply(scalar).toBytes()),
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
 * The Edwards point for Montgomery `u` with x's sign `signBit` (0 or 1), or null where libsignal's
 * `MontgomeryPoint::to_edwards` fails (u = -1, or no point with that y).
 */
export function montgomeryToEdwards(u: Uint8Array, signBit: number): EdwardsPoint | null {
  const uMasked = Uint8Array.from(u);
  uMasked[31] = (uMasked[31] as number) & 0x7f; // the field element ignores bit 255
  const uValue = Fp.create(bytesToNumberLE(uMasked));
  if (uValue === Fp.neg(Fp.ONE)) return null;
  const y = Fp.mul(Fp.sub(uValue, Fp.ONE), Fp.inv(Fp.add(uValue, Fp.ONE)));
  const encoded = numberToBytesLE(y, 32);
  // u = 0 maps to (0, -1): x is 0, whose "negative" is itself; libsignal accepts either sign bit
  // there, noble refuses x = 0 with the sign bit set, so drop it to match.
  if (uValue !== Fp.ZERO) encoded[31] = (encoded[31] as number) | (signBit << 7);
  try {
    return Point.fromBytes(encoded);
  } catch {
    return null;
  }
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
  if (u.length !== CURVE25519_KEY_LENGTH || signature.length !== SIGNATURE_LENGTH) return false;
  const last = SIGNATURE_LENGTH - 1;
  const A = edwardsFor(((signature[last] as number) & SIGN_BIT) >> 7);
  if (A === null) return false;
  const R = signature.subarray(0, 32);
  const sBytes = Uint8Array.from(signature.subarray(32));
  sBytes[31] = (sBytes[31] as number) & 0x7f;
  // libsignal rejects s with any of its top three bits set (s must be below 2^253).
  if (((sBytes[31] as number) & 0xe0) !== 0) return false;
  const s = Fn.create(bytesToNumberLE(sBytes));
  const h = scalarFromWideHash(R, A.toBytes(), message);
  const check = Point.BASE.multiplyUnsafe(s).add(A.negate().multiplyUnsafe(h));
  return constantTimeEqual(check.toBytes(), R);
}
