/**
 * Alternate-identity signatures (libsignal identity_key.rs): an identity key vouching for another
 * identity key of the same account (Signal's ACI signing its PNI). Domain-separated from every other
 * key-to-key signature by the prefix 0xFF * 32 || "Signal_PNI_Signature". This module owns the
 * signed message only; the keys sign and verify it (keys.ts, identity-key-pair.ts), so it depends
 * on no key type.
 */
import { concatBytes, type Bytes } from '../bytes.js';

const PREFIX = concatBytes(
  new Uint8Array(32).fill(0xff),
  new TextEncoder().encode('Signal_PNI_Signature'),
);

/** The message an identity key signs to vouch for `otherSerialized` (the other key's 33 bytes). */
export function alternateIdentityMessage(otherSerialized: Bytes): Bytes {
  return concatBytes(PREFIX, otherSerialized);
}
