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
