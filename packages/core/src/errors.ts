import { RelayError } from './transport/relay-errors.js';

/**
 * Every failure a caller of the messenger can act on. One class with a closed set of codes, so UI
 * code can switch on `error.code` exhaustively.
 */
export type ParleyErrorCode =
  /** register() on a device that already has an account. */
  | 'ALREADY_REGISTERED'
  /** An operation that needs an account before register() or a restored one. */
  | 'NOT_REGISTERED'
  /** Username outside 3..32 of a-z 0-9 _ . starting with a letter. */
  | 'INVALID_USERNAME'
  | 'USERNAME_TAKEN'
  /** No account with that username. */
  | 'UNKNOWN_USER'
  | 'UNKNOWN_CONVERSATION'
  | 'UNKNOWN_MESSAGE'
  /** Empty text, or longer than MAX_TEXT_LENGTH. */
  | 'INVALID_MESSAGE'
  /** The relay could not be reached (HTTP); sends are queued and need no retry by the caller. */
  | 'RELAY_UNREACHABLE'
  /** The relay refused the request for another reason (see message). */
  | 'RELAY_REJECTED'
  /** acceptIdentityChange() for a contact whose key did not change. */
  | 'NO_IDENTITY_CHANGE'
  /** A search query longer than MAX_QUERY_LENGTH. */
  | 'INVALID_QUERY'
  /** search() in a thread that keeps no index (a service worker; search/deferred-index.ts). */
  | 'SEARCH_UNAVAILABLE'
  /** An account-settings change with a malformed field (see message). */
  | 'INVALID_SETTING'
  /** The messenger was closed. */
  | 'CLOSED'
  /** A downloaded attachment failed its digest or a chunk's authentication (tampered or cut). */
  | 'ATTACHMENT_CORRUPT'
  /** An attachment larger than MAX_BLOB_BYTES allows (the relay answered TOO_LARGE). */
  | 'ATTACHMENT_TOO_LARGE'
  /** The relay refused the upload: the account's blob quota is used up (QUOTA_EXCEEDED). */
  | 'QUOTA_EXCEEDED'
  /** A file type Parley does not send (see media/attachment-types.ts). */
  | 'UNSUPPORTED_TYPE'
  /** The upload or download was cancelled by the user. */
  | 'TRANSFER_CANCELLED'
  /** The attachment expired or was deleted on the relay. */
  | 'ATTACHMENT_GONE'
  /** A send to a direct chat whose peer deleted their account: "This account no longer exists". */
  | 'ACCOUNT_GONE'
  /** deleteAccount() with a username other than the account's own (the typed confirmation). */
  | 'USERNAME_MISMATCH'
  /** acceptMessageRequest() and friends on a conversation that is not a message request. */
  | 'NOT_A_REQUEST'
  /** A disappearing timer other than off, 30 s, 5 min, 1 h, 1 day or 1 week. */
  | 'INVALID_TIMER'
  /** openViewOnce() on media already opened, or on media that is not view-once or not received. */
  | 'VIEW_ONCE_UNAVAILABLE'
  /** An edit or delete for everyone of a message another account wrote (rich/). */
  | 'NOT_AUTHOR'
  /** An edit or delete for everyone after its window (EDIT_WINDOW_MS, DELETE_FOR_EVERYONE_WINDOW_MS). */
  | 'WINDOW_PASSED'
  /** Reacting to, editing, replying to or forwarding a message deleted for everyone. */
  | 'MESSAGE_DELETED'
  /** A call while this device is already in one (calls/). */
  | 'CALL_IN_PROGRESS'
  /** A group call with more people than MAX_CALL_PARTICIPANTS (the mesh limit). */
  | 'CALL_TOO_LARGE'
  /** accept() for a call that no longer rings here. */
  | 'UNKNOWN_CALL'
  /** No media side is attached (calls need WebRTC: the browser app attaches it). */
  | 'CALLS_UNSUPPORTED'
  /** A scanned or pasted text that is not a Parley device link (or a damaged one). */
  | 'INVALID_LINK'
  /** The device link expired or was already used: show a fresh code on the new device. */
  | 'LINK_EXPIRED'
  /** A provisioning message failed authentication (tampered, or sealed to another key). */
  | 'LINK_TAMPERED'
  /** unlinkDevice() or renameDevice() for a device that is not one of this account's. */
  | 'UNKNOWN_DEVICE'
  /** setProfile() with a name, about line or avatar outside its limits (profiles/limits.ts). */
  | 'INVALID_PROFILE'
  /** An encrypted profile failed authentication (tampered, or sealed with another key). */
  | 'PROFILE_CORRUPT'
  /** renameDevice() with an empty name or one longer than MAX_DEVICE_NAME_LENGTH. */
  | 'INVALID_DEVICE_NAME'
  /** A sealed device name failed authentication (tampered, or moved to another device). */
  | 'DEVICE_NAME_TAMPERED';

export class ParleyError extends Error {
  override readonly name = 'ParleyError';
  constructor(
    readonly code: ParleyErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Longest text message, in characters (the relay caps one ciphertext at 256 KiB). */
export const MAX_TEXT_LENGTH = 64 * 1024;

/** Runs a relay call on behalf of the facade, mapping relay failures to ParleyErrors. */
export async function relayCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof RelayError)) throw error;
    const cause = { cause: error };
    if (error.code === 'UNREACHABLE')
      throw new ParleyError('RELAY_UNREACHABLE', error.message, cause);
    if (error.code === 'USERNAME_TAKEN')
      throw new ParleyError('USERNAME_TAKEN', 'that username is taken', cause);
    if (error.code === 'NOT_FOUND') throw new ParleyError('UNKNOWN_USER', 'no such user', cause);
    throw new ParleyError('RELAY_REJECTED', `${error.code}: ${error.message}`, cause);
  }
}
