import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { ParleyError } from '../errors.js';
import { PROFILE_KEY_BYTES, PROFILE_PADDING_BYTES } from './limits.js';
import { checkedProfile, type Profile } from './profile.js';

/**
 * The profile cipher (decision 0345): the profile, as JSON padded with zero bytes to a multiple
 * of PROFILE_PADDING_BYTES, sealed with XChaCha20-Poly1305 under the account's profile key (a
 * 192-bit random nonce per seal never repeats in practice). The version byte, the owner's account
 * id and the profile's version on the relay are authenticated data: the relay cannot serve one
 * account's profile as another's, relabel an old profile as newer, or flip a bit unnoticed.
 *
 * sealed = format(1) || nonce(24) || ciphertext+tag
 */

export const PROFILE_FORMAT = 1;
const NONCE_BYTES = 24;
const HEADER_BYTES = 1 + NONCE_BYTES;
const encoder = new TextEncoder();

export function sealProfile(
  key: Uint8Array,
  accountId: string,
  version: number,
  profile: Profile,
): Uint8Array<ArrayBuffer> {
  checkKey(key);
  const json = encoder.encode(JSON.stringify(profile));
  const padded = new Uint8Array(
    Math.ceil((json.length + 1) / PROFILE_PADDING_BYTES) * PROFILE_PADDING_BYTES,
  );
  padded.set(json);
  const nonce = globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const sealed = xchacha20poly1305(key, nonce, associatedData(accountId, version)).encrypt(padded);
  const out = new Uint8Array(HEADER_BYTES + sealed.length);
  out[0] = PROFILE_FORMAT;
  out.set(nonce, 1);
  out.set(sealed, HEADER_BYTES);
  return out;
}

/** Opens a sealed profile; PROFILE_CORRUPT when anything was changed or the key is another. */
export function openProfile(
  key: Uint8Array,
  accountId: string,
  version: number,
  sealed: Uint8Array,
): Profile {
  checkKey(key);
  if (sealed.length <= HEADER_BYTES || sealed[0] !== PROFILE_FORMAT)
    throw corrupt('unknown profile format');
  let padded: Uint8Array;
  try {
    padded = xchacha20poly1305(
      key,
      sealed.subarray(1, HEADER_BYTES),
      associatedData(accountId, version),
    ).decrypt(sealed.subarray(HEADER_BYTES));
  } catch (cause) {
    throw corrupt('the profile failed authentication', cause);
  }
  const end = padded.indexOf(0);
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        padded.subarray(0, end < 0 ? padded.length : end),
      ),
    );
  } catch (cause) {
    throw corrupt('the profile is not well formed', cause);
  }
  const profile = checkedProfile(parsed);
  if (!profile) throw corrupt('the profile is not well formed');
  return profile;
}

function associatedData(accountId: string, version: number): Uint8Array {
  return encoder.encode(`Parley profile v${PROFILE_FORMAT}|${accountId}|${version}`);
}

function checkKey(key: Uint8Array): void {
  if (key.length !== PROFILE_KEY_BYTES)
    throw corrupt(`a profile key is ${PROFILE_KEY_BYTES} bytes`);
}

function corrupt(message: string, cause?: unknown): ParleyError {
  return new ParleyError('PROFILE_CORRUPT', message, cause === undefined ? undefined : { cause });
}
