/**
 * The version byte that starts sender-key messages: (message version << 4) | current version,
 * 0x33 today (libsignal protocol.rs). Only version 3 is accepted on input.
 */
import { SENDERKEY_MESSAGE_CURRENT_VERSION } from '../consts.js';
import { protocolError } from '../error.js';

export function versionByte(messageVersion: number): number {
  return ((messageVersion & 0x0f) << 4) | SENDERKEY_MESSAGE_CURRENT_VERSION;
}

/** The message version of a received first byte; throws for legacy or unknown versions. */
export function parseVersionByte(byte: number, operation: string): number {
  const version = byte >> 4;
  if (version < SENDERKEY_MESSAGE_CURRENT_VERSION) {
    throw protocolError(
      'LegacyCiphertextVersion',
      operation,
      `ciphertext version was too old <${version}>`,
    );
  }
  if (version > SENDERKEY_MESSAGE_CURRENT_VERSION) {
    throw protocolError(
      'UnrecognizedCiphertextVersion',
      operation,
      `ciphertext version was unrecognized <${version}>`,
    );
  }
  return version;
}
