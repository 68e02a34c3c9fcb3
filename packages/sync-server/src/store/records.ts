/** Plain records that cross the store boundary (no database or wire types). */

/** One device as the relay addresses it internally: rowId is the store's compact key. */
export interface DeviceRef {
  rowId: number;
  accountId: string;
  deviceId: number;
}

export interface PreKey {
  keyId: number;
  publicKey: Uint8Array;
}

/** A key signed by the account's identity key (the signed EC prekey and Kyber prekeys). */
export interface SignedPreKey extends PreKey {
  signature: Uint8Array;
}

export interface DeviceKeys {
  registrationId: number;
  name: string | null;
  signedPreKey: SignedPreKey;
  lastResortKyberPreKey: SignedPreKey;
  oneTimePreKeys: PreKey[];
  kyberOneTimePreKeys: SignedPreKey[];
}

export interface PreKeyUpload {
  signedPreKey?: SignedPreKey;
  lastResortKyberPreKey?: SignedPreKey;
  oneTimePreKeys?: PreKey[];
  kyberOneTimePreKeys?: SignedPreKey[];
}

export interface PreKeyBundle {
  deviceId: number;
  registrationId: number;
  signedPreKey: SignedPreKey;
  preKey?: PreKey;
  kyberPreKey: SignedPreKey;
}

export interface DeviceSummary {
  deviceId: number;
  name: string | null;
  registrationId: number;
  createdAt: number;
  /** Start (UTC) of the last day the device connected, or null. */
  lastActiveAt: number | null;
}

/** One mailbox entry to create; content is opaque ciphertext. */
export interface NewEntry {
  destination: DeviceRef;
  type: number;
  content: Uint8Array;
}

export interface StoredEnvelope {
  serverId: number;
  destination: DeviceRef;
  sourceAccountId: string;
  sourceDeviceId: number;
  clientId: string;
  type: number;
  serverTimestamp: number;
  content: Uint8Array;
  /** When the entry lapses undelivered (ms since epoch; SendRequest.ttl_seconds), if it does. */
  expiresAt?: number;
  /**
   * The highest server id this device's mailbox held when this entry was written (0: none),
   * set by stores that several relay processes write to (decision 0161). A push may go
   * straight to the socket only once the stream has pushed up to it; otherwise an entry
   * committed by another process is still on its way, and the stream reads the database.
   */
  previousServerId?: number;
}

export interface SendInput {
  source: DeviceRef;
  clientId: string;
  entries: NewEntry[];
  /** SendRequest.ttl_seconds, already checked: the entries lapse this long after the commit. */
  ttlSeconds?: number;
}

/** When entries of `input` committed at `serverTimestamp` lapse (null: never, only retention). */
export function expiryOf(input: SendInput, serverTimestamp: number): number | null {
  return input.ttlSeconds ? serverTimestamp + input.ttlSeconds * 1000 : null;
}

/**
 * The result of a send: `result` is the encoded answer stored for idempotent retries; `stored`
 * holds the new entries (empty for a duplicate) so they can be pushed to online devices.
 */
export interface SendOutcome {
  result: Uint8Array;
  stored: StoredEnvelope[];
  duplicate: boolean;
}

/** Encodes the answer to a send, given the commit time and the destinations left out. */
export type SendResultEncoder = (serverTimestamp: number, rejected: DeviceRef[]) => Uint8Array;

/**
 * Called once when a send is durable (`outcome` set) or has failed (`error`): the callback form
 * of commitSend on the hot path (decision 0155).
 */
export type SendCallback = (error: unknown, outcome?: SendOutcome) => void;
