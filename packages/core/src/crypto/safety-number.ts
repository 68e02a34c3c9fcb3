import type { SignalEngine } from './engine.js';

export interface SafetyNumber {
  /** 60 digits as libsignal's DisplayableFingerprint renders them. */
  displayable: string;
  /** Bytes for QR comparison (ScannableFingerprint). */
  scannable: Uint8Array;
  verified: boolean;
}

/** Signal's parameters for safety numbers (Fingerprint version 2, 5200 hash iterations). */
const FINGERPRINT_VERSION = 2;
const FINGERPRINT_ITERATIONS = 5200;

/**
 * The safety number between this account and a contact. Identifiers are the 16 bytes of the
 * account ids (UUIDs), so both sides compute the same 60 digits from their own point of view.
 */
export function safetyNumberOf(
  engine: SignalEngine,
  self: { accountId: string; identityKeyPair: Uint8Array<ArrayBuffer> },
  peerAccountId: string,
  peerIdentityKey: Uint8Array<ArrayBuffer>,
  verified: boolean,
): SafetyNumber {
  const fingerprint = engine.Fingerprint.new(
    FINGERPRINT_ITERATIONS,
    FINGERPRINT_VERSION,
    accountIdBytes(self.accountId),
    engine.IdentityKeyPair.deserialize(self.identityKeyPair).publicKey,
    accountIdBytes(peerAccountId),
    engine.PublicKey.deserialize(peerIdentityKey),
  );
  return {
    displayable: fingerprint.displayableFingerprint().toString(),
    scannable: fingerprint.scannableFingerprint().toBuffer(),
    verified,
  };
}

function accountIdBytes(accountId: string): Uint8Array<ArrayBuffer> {
  const hex = accountId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) return new TextEncoder().encode(accountId);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}
