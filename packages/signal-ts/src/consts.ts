/**
 * Every protocol number of the engine, each named once (libsignal: `rust/protocol/src/consts.rs`
 * and the constants scattered beside the concepts). Values are libsignal-client 0.103's; changing
 * one breaks wire compatibility or the limits a native peer relies on.
 */

// ---- Limits (libsignal consts.rs `limits`) ----------------------------------------------------

/** Most messages a receiving chain may skip ahead in one step (1:1 ratchet and sender keys). */
export const MAX_FORWARD_JUMPS = 25_000;
/** Most skipped message keys kept per receiving chain (and per sender-key state). */
export const MAX_MESSAGE_KEYS = 2_000;
/** Most receiving chains kept in one session state. */
export const MAX_RECEIVER_CHAINS = 5;
/** Most archived (previous) session states kept in one session record. */
export const ARCHIVED_STATES_MAX_LENGTH = 40;
/** Most sender-key states kept in one sender-key record. */
export const MAX_SENDER_KEY_STATES = 5;
/** A session whose PreKey message was never answered stops being used for sending after this. */
export const MAX_UNACKNOWLEDGED_SESSION_AGE_MS = 30 * 24 * 60 * 60 * 1000;

// ---- Versions ----------------------------------------------------------------------------------

/** 1:1 message version (PQXDH + SPQR). Version byte on the wire: (4 << 4) | 4 = 0x44. */
export const CIPHERTEXT_MESSAGE_CURRENT_VERSION = 4;
/** Sender-key message version. Version byte on the wire: (3 << 4) | 3 = 0x33. */
export const SENDERKEY_MESSAGE_CURRENT_VERSION = 3;

// ---- Curve25519 (libsignal core/curve.rs) ----------------------------------------------------

/** Type byte that prefixes a serialized Curve25519 public key. */
export const DJB_KEY_TYPE = 0x05;
/** Raw Curve25519 key length (public u-coordinate or private scalar). */
export const CURVE25519_KEY_LENGTH = 32;
/** Serialized public key: type byte + 32 bytes. */
export const PUBLIC_KEY_SERIALIZED_LENGTH = 33;
/** XEdDSA signature: R (32) || s (32), sign bit of A in the top bit of byte 63. */
export const SIGNATURE_LENGTH = 64;

// ---- KEM (libsignal protocol/kem.rs, kem/kyber1024.rs) ----------------------------------------

/** Type byte of a Kyber1024 (round 3) key, the only KEM this build accepts. */
export const KYBER1024_KEY_TYPE = 0x08;
/** Kyber1024 public key without the type byte. */
export const KYBER1024_PUBLIC_KEY_LENGTH = 1568;
/** Kyber1024 secret key without the type byte. */
export const KYBER1024_SECRET_KEY_LENGTH = 3168;
/** Kyber1024 ciphertext without the type byte. */
export const KYBER1024_CIPHERTEXT_LENGTH = 1568;
/** Shared secret produced by encapsulation / decapsulation. */
export const KYBER_SHARED_SECRET_LENGTH = 32;

// ---- Messages -------------------------------------------------------------------------------

/** Truncated HMAC-SHA256 appended to a SignalMessage. */
export const MAC_LENGTH = 8;

// ---- Addresses ------------------------------------------------------------------------------

/** Smallest and largest valid device ids (libsignal address.rs DeviceId). */
export const MIN_DEVICE_ID = 1;
export const MAX_DEVICE_ID = 127;
