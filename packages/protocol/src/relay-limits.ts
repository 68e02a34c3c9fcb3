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
/**
 * Longest SendRequest.ttl_seconds: a send that asks for a time to live asks for a short one
 * (call signals); anything longer is ordinary content and waits for the general retention.
 */
export const MAX_SEND_TTL_SECONDS = 300;
/** Most requests a socket may have in flight (unanswered) at once. */
export const MAX_REQUESTS_IN_FLIGHT = 256;
/** Most pushed envelopes the relay leaves unacked on one socket before it waits for acks. */
export const PUSH_WINDOW = 512;
/**
 * Most server ids in one Ack frame. Twice PUSH_WINDOW: a client acks at most what was pushed on
 * this socket plus the window of the one before it. A larger ack is a protocol error (4400).
 */
export const MAX_ACK_IDS = 2 * PUSH_WINDOW;
/** Longest Ack body: MAX_ACK_IDS ids of at most 10 varint bytes each, packed or not. */
export const MAX_ACK_FRAME_BYTES = MAX_ACK_IDS * 11 + 16;
/**
 * Ack credit: a socket may acknowledge at most this many ids beyond those pushed on it (the
 * unacked window of the previous socket of the same device). Ids beyond its credit are ignored
 * (they are pushed again later), so acks can never make the relay delete faster than it pushes.
 */
export const ACK_CREDIT_SLACK = 2 * PUSH_WINDOW;
/**
 * Bytes queued for one socket (answers and pushes it has not read yet) above which the relay
 * stops reading its frames and pushing to it, until it drains.
 */
export const SOCKET_BUFFER_SOFT_BYTES = 1024 * 1024;
/** Bytes queued for one socket above which it is closed (1008): a reader that never reads. */
export const SOCKET_BUFFER_HARD_BYTES = 16 * 1024 * 1024;
/**
 * Frames of one socket the relay handles per event-loop turn; the rest of a read waits for the
 * next turns, after other sockets' work (relay-internal pacing, listed here with its peers).
 */
export const FRAMES_PER_TURN = 64;
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
/** Longest device name, in characters (inside the sealed name, which the relay cannot read). */
export const MAX_DEVICE_NAME_LENGTH = 64;
/**
 * Largest sealed device name the relay stores: the name and platform encrypted to the account's
 * identity key (core's linking/device-name-cipher.ts), opaque to the relay (docs/decisions/0351).
 */
export const MAX_SEALED_DEVICE_NAME_BYTES = 1024;
/** The relay keeps a device's last activity to the day only (less metadata), as Signal does. */
export const LAST_ACTIVE_GRANULARITY_MS = 24 * 60 * 60 * 1000;
/** Random bytes of a device secret and of a link token, both sent as unpadded base64url. */
export const SECRET_BYTES = 32;
/** A device secret or a link token as text: SECRET_BYTES in unpadded base64url (43 characters). */
export const SECRET_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((SECRET_BYTES * 4) / 3)}}$`);
/** Milliseconds a link token stays valid after it is issued. */
export const LINK_TOKEN_TTL_MS = 10 * 60 * 1000;

// --- Provisioning (linking a new device by QR code; packages/sync-server/src/provisioning) ---

/** The anonymous WebSocket a new, unregistered device opens to get a provisioning address. */
export const PROVISIONING_PATH = '/v1/provisioning';
/** Milliseconds a provisioning address (and its socket) lives; it is also used at most once. */
export const PROVISIONING_TTL_MS = 10 * 60 * 1000;
/** Random bytes of a provisioning address, sent as unpadded base64url (22 characters). */
export const PROVISIONING_ADDRESS_BYTES = 16;
export const PROVISIONING_ADDRESS_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** Largest sealed provisioning message (base64 text in the PUT body), in characters. */
export const MAX_PROVISIONING_MESSAGE_CHARS = 16 * 1024;

/**
 * How long a deleted account's username stays reserved, in milliseconds: 0, it is free for anyone
 * to register the moment the account is deleted (issue 15 asks for a stated time). Contacts' devices
 * never confuse the new owner with the old one: they know accounts by id, the new account has a
 * new id and a new identity key, and the old conversation stays with the deleted account.
 */
export const DELETED_USERNAME_RESERVED_MS = 0;

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
  /** The device's account was deleted (DELETE /v1/accounts/me). */
  ACCOUNT_DELETED: 4411,
  /** A provisioning socket's address expired before an existing device used it. */
  PROVISIONING_EXPIRED: 4408,
  /** The relay is shutting down; reconnect with backoff. */
  GOING_AWAY: 1001,
} as const;

/**
 * Rate limits and quotas (token buckets: a burst, refilled at a steady rate). The relay's defaults;
 * each is configurable on the relay (README, "Rate limits"). A refusal is RATE_LIMITED with a
 * retry-after, which clients honour by waiting, never by dropping what they meant to send.
 */
export interface RateLimit {
  /** Tokens a fresh bucket holds: the most calls in a burst. */
  readonly burst: number;
  /** Tokens added per second, up to `burst`. */
  readonly perSecond: number;
}

export const RATE_LIMITS = {
  /** Sends per source device (a send counts once, whatever its number of destinations). */
  sendsPerDevice: { burst: 200, perSecond: 50 },
  /** Sends per account, all its devices together. */
  sendsPerAccount: { burst: 400, perSecond: 100 },
  /**
   * Envelopes one sending account may put into one destination mailbox. Senders the
   * destination account never wrote to get UNKNOWN_SENDER_SHARE of it (see below).
   */
  envelopesPerSenderPerMailbox: { burst: 500, perSecond: 20 },
  /** Prekey bundle fetches (GET /v1/keys/:accountId[/:deviceId]) per requesting account. */
  prekeyFetchesPerAccount: { burst: 60, perSecond: 1 },
  /** Profile writes (PUT /v1/profile) per account: a person saves a profile now and then. */
  profileWritesPerAccount: { burst: 10, perSecond: 0.05 },
  /**
   * Profile reads (GET /v1/profile/:accountId) per requesting account: a newly linked device
   * fetches every contact's at once, then a few as contacts change theirs.
   */
  profileFetchesPerAccount: { burst: 500, perSecond: 5 },
  /** Failed authentications per client address; then refused until the bucket refills. */
  failedAuthPerAddress: { burst: 20, perSecond: 0.5 },
  /** Failed authentications per claimed device (account id and device id). */
  failedAuthPerDevice: { burst: 10, perSecond: 0.1 },
  /** Registrations (POST /v1/accounts) per client address. */
  registrationsPerAddress: { burst: 10, perSecond: 0.05 },
  /** Link-token uses (POST /v1/devices) per client address. */
  linksPerAddress: { burst: 10, perSecond: 0.05 },
  /** Provisioning sockets opened per client address (each gets a provisioning address). */
  provisioningPerAddress: { burst: 10, perSecond: 0.05 },
  /** WebSocket upgrades per client address. */
  connectionsPerAddress: { burst: 60, perSecond: 2 },
} as const satisfies Record<string, RateLimit>;

/**
 * Share of envelopesPerSenderPerMailbox given to a sender the destination account has never sent
 * to (a stranger): a tenth, so strangers together cannot fill a mailbox before its owner reads it.
 */
export const UNKNOWN_SENDER_SHARE = 0.1;
/** WebSocket connections one client address may hold open at once. */
export const MAX_CONNECTIONS_PER_ADDRESS = 200;
/** Devices one account may have (linking one more is refused with RATE_LIMITED). */
export const MAX_DEVICES_PER_ACCOUNT = 16;
/**
 * Bytes of pushed envelopes all sockets together may hold queued in the relay's memory; beyond it
 * pushes wait (in the database) until sockets drain.
 */
export const PUSH_BUFFER_BUDGET_BYTES = 256 * 1024 * 1024;
/** One-time prekeys left on a device below which fetches raise the drain alert metric. */
export const ONE_TIME_PREKEYS_LOW_WATER = 50;

// --- Blobs (encrypted attachments; packages/sync-server/src/blobs, decision 0630) ---

/** Largest blob (ciphertext bytes) one upload may declare; larger ones are refused (TOO_LARGE). */
export const MAX_BLOB_BYTES = 100 * 1024 * 1024;
/**
 * Ciphertext bytes one account may hold in unexpired blobs; an upload that would pass it is
 * refused (QUOTA_EXCEEDED).
 */
export const BLOB_QUOTA_BYTES_PER_ACCOUNT = 1024 * 1024 * 1024;
/** Days a blob lives after its upload started; the relay's sweeper then deletes it. */
export const BLOB_EXPIRY_DAYS = 30;
/** Plaintext bytes per encrypted chunk of an attachment (each chunk carries its own GCM tag). */
export const ATTACHMENT_CHUNK_BYTES = 64 * 1024;
/** Bytes each tus PATCH request carries at most (clients split uploads into such parts). */
export const BLOB_UPLOAD_PART_BYTES = 8 * 1024 * 1024;
/** Length of a blob id: 32 lowercase hex digits (128 random bits), unguessable. */
export const BLOB_ID_PATTERN = /^[0-9a-f]{32}$/;

// --- Profiles (encrypted name, about line and avatar; decision 0345) ---

/**
 * Largest encrypted profile (bytes of ciphertext) the relay stores for one account: room for a
 * name, an about line and a 256x256 avatar inside, so a profile is one read with no blob.
 */
export const MAX_PROFILE_CIPHERTEXT_BYTES = 64 * 1024;

// --- Web Push (RFC 8030 / 8291 / 8292; packages/sync-server/src/push) ---

/** Longest push subscription endpoint URL the relay stores (FCM's are about 200 characters). */
export const MAX_PUSH_ENDPOINT_LENGTH = 1024;
/** A subscription's p256dh key: an uncompressed P-256 point, 65 bytes in unpadded base64url. */
export const PUSH_P256DH_PATTERN = /^[A-Za-z0-9_-]{87}$/;
/** A subscription's auth secret: 16 bytes in unpadded base64url. */
export const PUSH_AUTH_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/**
 * Per device, at most one push waits this long before the next may leave: a burst of messages to
 * an offline device wakes it once (the service worker drains the whole mailbox when it wakes).
 */
export const PUSH_COALESCE_MS = 5_000;
/**
 * Seconds a push service keeps an undelivered wake-up (RFC 8030 §5.2 TTL): after a day the
 * device learns of its messages when it next opens the app anyway.
 */
export const PUSH_TTL_SECONDS = 24 * 60 * 60;
/** RFC 8030 §5.3 urgency of a wake-up: `high`, so phones in power saving still get messages. */
export const PUSH_URGENCY = 'high';
