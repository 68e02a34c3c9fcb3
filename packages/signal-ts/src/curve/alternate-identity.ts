/**
 * Alternate-identity signatures (libsignal identity_key.rs): an identity key vouching for another
 * identity key of the same account (Signal's ACI signing its PNI). Domain-separated from every other
 * key-to-key signature by the prefix 0xFF * 32 || "Signal_PNI_Signature".
 */
import { concatBytes, type Bytes } from '../bytes.js';
import type { PrivateKey, PublicKey } from './keys.js';

const PREFIX = concatBytes(
  new Uint8Array(32).fill(0xff),
  new TextEncoder().encode('Signal_PNI_Signature'),
);

function signedMessage(other: PublicKey): Bytes {
  return concatBytes(PREFIX, other.serialize());
}

export function signAlternateIdentity(signer: PrivateKey, other: PublicKey): Bytes {
  return signer.sign(signedMessage(other));
}

export function verifyAlternateIdentity(
  signer: PublicKey,
  other: PublicKey,
  signature: Uint8Array,
): boolean {
  return signer.verify(signedMessage(other), signature);
}
