/**
 * Limits the relay enforces at its edge. Clients import them to stay inside the caps instead of
 * learning them from TOO_LARGE errors. Each one is documented in docs/relay-api.md.
 */

/** Largest WebSocket message (one Frame) the relay accepts, in bytes. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Largest `content` of one OutgoingMessage, in bytes. */
export const MAX_CONTENT_BYTES = 256 * 1024;
/** Most destinations one SendRequest may name. */
export const MAX_DESTINATIONS_PER_SEND = 4096;
/** Longest SendRequest.client_id, in characters. */
export const MAX_CLIENT_ID_LENGTH = 64;
/** Most requests a socket may have in flight (unanswered) at once. */
export const MAX_REQUESTS_IN_FLIGHT = 256;
/** Most pushed envelopes the relay leaves unacked on one socket before it waits for acks. */
export const PUSH_WINDOW = 512;
/** Milliseconds a socket may stay open without a successful AuthRequest. */
export const AUTH_TIMEOUT_MS = 10_000;
/** Largest JSON body of an HTTP request, in bytes. */
export const MAX_HTTP_BODY_BYTES = 1024 * 1024;
/** Most one-time prekeys (EC or Kyber, each) in one upload, and stored per device. */
export const MAX_PREKEYS_PER_UPLOAD = 200;
export const MAX_STORED_PREKEYS = 1000;

/** An EC public key as libsignal serializes it: type byte 0x05 and 32 bytes. */
export const EC_PUBLIC_KEY_BYTES = 33;
/** An XEdDSA signature (of a signed prekey or a Kyber prekey). */
export const SIGNATURE_BYTES = 64;
/** Largest serialized Kyber public key the relay stores (Kyber-1024 is 1 + 1568 bytes). */
export const MAX_KYBER_PUBLIC_KEY_BYTES = 2048;
/** Prekey ids are unsigned 32-bit integers. */
export const MAX_KEY_ID = 0xffffffff;
/** Registration ids are libsignal's 14-bit range, 1 to this. */
export const MAX_REGISTRATION_ID = 16380;
/** Device ids are positive 31-bit integers. */
export const MAX_DEVICE_ID = 0x7fffffff;
/** Longest device name, in characters. */
export const MAX_DEVICE_NAME_LENGTH = 64;
/** Random bytes of a device secret and of a link token, both sent as unpadded base64url. */
export const SECRET_BYTES = 32;
/** A device secret or a link token as text: SECRET_BYTES in unpadded base64url (43 characters). */
export const SECRET_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((SECRET_BYTES * 4) / 3)}}$`);
/** Milliseconds a link token stays valid after it is issued. */
export const LINK_TOKEN_TTL_MS = 10 * 60 * 1000;

/** WebSocket close codes the relay uses (4000-4999 is the application range). */
export const CloseCode = {
  /** No valid AuthRequest in time, or a failed one. */
  UNAUTHENTICATED: 4401,
  /** Frames that cannot be parsed (text frames, garbage, an oversized frame). */
  PROTOCOL_ERROR: 4400,
  /** Another socket authenticated as the same device; only the newest one is kept. */
  REPLACED: 4409,
  /** The device was removed from its account. */
  DEVICE_REMOVED: 4410,
  /** The relay is shutting down; reconnect with backoff. */
  GOING_AWAY: 1001,
} as const;
