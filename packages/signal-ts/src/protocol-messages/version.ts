/**
 * The version byte that opens every 1:1 message: `(message version << 4) | current version`
 * (libsignal `protocol.rs`). Versions below 3 are pre-2015 formats; 3 is X3DH (parsed so the
 * session can refuse it with a precise error), 4 is PQXDH.
 */
import { CIPHERTEXT_MESSAGE_CURRENT_VERSION } from '../consts.js';
import { protocolError } from '../error.js';

/** X3DH-era messages: still parsed, refused when a session would be built from them. */
export const CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION = 3;

export function versionByte(messageVersion: number): number {
  return ((messageVersion & 0xf) << 4) | CIPHERTEXT_MESSAGE_CURRENT_VERSION;
}

/** The message version of a serialized message's first byte, or a versioning error. */
export function readMessageVersion(first: number, operation: string): number {
  const version = first >> 4;
  if (version < CIPHERTEXT_MESSAGE_PRE_KYBER_VERSION) {
    throw protocolError(
      'LegacyCiphertextVersion',
      operation,
      `ciphertext version ${version} is legacy`,
    );
  }
  if (version > CIPHERTEXT_MESSAGE_CURRENT_VERSION) {
    throw protocolError(
      'UnrecognizedCiphertextVersion',
      operation,
      `ciphertext version ${version} is unrecognized`,
    );
  }
  return version;
}
