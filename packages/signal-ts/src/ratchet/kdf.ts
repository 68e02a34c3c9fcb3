/**
 * The two hash primitives every ratchet step is made of (libsignal `ratchet/keys.rs`, `crypto.rs`):
 * HMAC-SHA256 and HKDF-SHA256. Thin wrappers so the key schedule reads like the specification and
 * always hands back ArrayBuffer-backed bytes.
 */
import { hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Bytes } from '../bytes.js';

const encoder = new TextEncoder();

/** ASCII label bytes for HKDF `info` parameters. */
export function label(text: string): Bytes {
  return encoder.encode(text) as Bytes;
}

export function hmacSha256(key: Uint8Array, data: Uint8Array): Bytes {
  return hmac(sha256, key, data) as Bytes;
}

/** HKDF-SHA256; an absent salt is the RFC 5869 default (32 zero bytes). */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array | undefined,
  info: Uint8Array,
  length: number,
): Bytes {
  return hkdf(sha256, ikm, salt, info, length) as Bytes;
}
