/**
 * The public face of the client engine: what apps (web, desktop) see of core.
 * Every collection is an observable snapshot (subscribe/getSnapshot) ready for React's
 * useSyncExternalStore: getSnapshot returns the same object until something changed.
 */

import type { ProvisioningView } from '../linking/device-linking.js';
import type { DeviceView } from '../linking/own-devices.js';
import type { HistoryTransferView } from '../linking/history-transfer.js';
import type { AccountSettingsChange, AccountSettingsView } from '../account-settings/types.js';
import type { AttachmentKind, AttachmentPointer } from '../media/attachment-pointer.js';
import type { CallRecord, CallsApi } from '../calls/types.js';
import type { AttachmentInput, TransferView } from '../media/media.js';
import type { ProfileInput } from '../profiles/profile.js';
import type { ProfilesView } from '../profiles/profiles.js';

export type { Profile, ProfileInput } from '../profiles/profile.js';
export type { ProfilesView } from '../profiles/profiles.js';

export type { AttachmentPointer, AttachmentKind } from '../media/attachment-pointer.js';
export type { AttachmentInput, TransferView } from '../media/media.js';
import type { SafetyNumber } from '../crypto/safety-number.js';
import type { ConnectionState } from '../transport/relay-connection.js';
import type { WebPushSubscription } from '../push/web-push.js';

export type { WebPushSubscription } from '../push/web-push.js';

export interface Observable<T> {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): T;
}

export type MessageStatus = 'pending' | 'sent' | 'delivered' | 'read';

export interface MessageView {
  id: string;
  conversationId: string;
  /** Account id of the author. */
  senderId: string;
  senderUsername: string;
  /** The author as shown: the name the user gave them, else their profile's, else the username. */
  senderName: string;
  senderDeviceId: number;
  /** Author's clock when sent (ms since epoch). */
  sentAt: number;
  body: string;
  /**
   * 'system' entries (e.g. safety number changed) have no author status. 'placeholder': a group
   * message that could not be decrypted yet (its sender key is missing); it has no body, is
   * replaced by the message once the key arrives, and cannot be marked read.
   */
  kind: 'text' | 'system' | 'placeholder';
  /** Only meaningful for own messages; incoming messages are 'delivered' or 'read' (read by me). */
  status: MessageStatus;
  outgoing: boolean;
  /** Files sent with the message; `body` is their caption (may be empty). */
  attachments?: readonly AttachmentPointer[];
  /** The disappearing timer it was sent with: it expires that long after being read (or sent). */
  disappearingSeconds?: number;
  /**
   * View-once media: 'unopened' (the recipient may open it once with openViewOnce; the author
   * never can), or 'opened' (gone: no attachments, no caption).
   */
  viewOnce?: 'unopened' | 'opened';
  /** The message this one replies to, as it is now (rich/). */
  replyTo?: QuoteView;
  /** Reactions, one per person, grouped by emoji (most first). */
  reactions?: readonly ReactionView[];
  /** Edited by its author: `body` is the latest text; messageHistory() lists every version. */
  edited?: boolean;
  /** Deleted for everyone by its author: a tombstone without text or files. */
  deleted?: boolean;
  /** Forwarded from another chat. */
  forwarded?: boolean;
  /** A call's entry ('system' kind): direction, outcome, duration (calls/). */
  call?: CallRecord;
}

/** The quoted message of a reply; `deleted`/`missing` say why there is no text to show. */
export interface QuoteView {
  messageId: string;
  senderUsername: string;
  /** The quoted author as shown (MessageView.senderName). */
  senderName: string;
  body: string;
  /** Kind of its first file, when it had one (a quote of a photo says "Photo"). */
  attachmentKind?: AttachmentPointer['kind'];
  /** The original was deleted for everyone. */
  deleted?: boolean;
  /** This device does not have the original (not arrived yet, or deleted for me). */
  missing?: boolean;
}

export interface ReactionView {
  emoji: string;
  count: number;
  /** Who reacted with it ("You" is the caller's business: `mine`). */
  usernames: string[];
  mine: boolean;
}

/** One version of a message's text (messageHistory). */
export interface MessageVersionView {
  body: string;
  /** Its author's clock when written (ms since epoch). */
  at: number;
}

export interface ConversationView {
  id: string;
  kind: 'direct' | 'group';
  /**
   * Direct chats: the name the user gave the contact (account settings), else the name in the
   * contact's profile (profiles/), else the username.
   */
  title: string;
  /** Direct chats: the contact's profile picture (a data: URL), when their profile has one. */
  avatar?: string;
  /** For direct chats: the other account's username. */
  peerUsername?: string;
  /** For direct chats: the other account's id (renaming it, blocking it: account settings). */
  peerAccountId?: string;
  /** For groups: current members, this account included when it is one. */
  memberCount?: number;
  lastMessage?: {
    body: string;
    sentAt: number;
    outgoing: boolean;
    status: MessageStatus;
    /** Its first file, which the list names when there is no text ("Photo", a file's name). */
    attachment?: { kind: AttachmentKind; fileName?: string; viewOnce?: boolean };
  };
  /** Incoming messages not yet marked read on this account. */
  unreadCount: number;
  /** Last activity, for sorting the chat list (newest first). */
  updatedAt: number;
  /** Usernames currently typing in this conversation. */
  typing: string[];
  /**
   * A message request: a stranger wrote first and this account has not accepted it. No read
   * receipts or typing go to its peer until acceptMessageRequest (or a reply).
   */
  request?: boolean;
  /** A group request: the username of the stranger who added this account. */
  invitedBy?: string;
  /** Direct chats: the peer's account was deleted; sending is refused (ACCOUNT_GONE). */
  peerDeleted?: boolean;
  /** The chat's disappearing-messages timer in seconds; absent when off (setDisappearingTimer). */
  disappearingSeconds?: number;
}

export type { ConnectionState } from '../transport/relay-connection.js';

export interface SelfView {
  accountId: string;
  username: string;
  deviceId: number;
}

export type { SafetyNumber } from '../crypto/safety-number.js';

export type MessengerEvent =
  /** New messages from other accounts are stored on this device (e.g. for notifications). */
  | { type: 'messages-received'; conversationId: string; messageIds: string[] }
  /** A contact's identity key changed; a system entry was added to the conversation. */
  | { type: 'safety-number-changed'; username: string; conversationId: string }
  /** An envelope could not be decrypted or applied (tampered, corrupt, not authorized); it was dropped. */
  | { type: 'decrypt-failed'; fromAccountId: string; fromDeviceId: number; reason: string }
  /** The relay refused this device for good (code UNAUTHENTICATED, DEVICE_REMOVED, ACCOUNT_DELETED or REPLACED). */
  | { type: 'relay-refused'; code: string; message: string }
  /**
   * This device signed out or its account was deleted: its keys and history are gone and the
   * messenger is closed. Every window of the app (tabs) should return to sign-up.
   */
  | { type: 'signed-out'; reason: 'signed-out' | 'account-deleted' | 'unlinked' }
  /** A contact's profile (name, about, avatar) changed on this device: see `profiles`. */
  | { type: 'profile-changed'; accountId: string }
  /** A device was linked to or unlinked from this account (pushed by the relay): see listDevices(). */
  | { type: 'devices-changed' }
  /** A background failure (e.g. a prekey refill); the messenger keeps running and retries later. */
  | { type: 'error'; message: string };

export type { ProvisioningView } from '../linking/device-linking.js';
export type { DeviceView } from '../linking/own-devices.js';
export type { HistoryTransferView } from '../linking/history-transfer.js';
/** A new device waiting to be linked: what it shows. */
export type ProvisioningWaiting = ProvisioningView & { state: 'waiting' };
export type {
  AccountSettingsChange,
  AccountSettingsView,
  ChatSettingsView,
  Theme,
} from '../account-settings/types.js';

export interface GroupMemberView {
  accountId: string;
  username: string;
  /** The name the user gave, else the member's profile name (absent: show the username). */
  displayName?: string;
  /** The member's profile picture (data: URL). */
  avatar?: string;
  role: 'admin' | 'member';
}

/** A group as this device's fold of its signed membership log sees it. */
export interface GroupInfoView {
  conversationId: string;
  title: string;
  members: GroupMemberView[];
  /** This account is a member (false once removed or left). */
  isMember: boolean;
  isAdmin: boolean;
  /** Why this account is not a member any more. */
  former?: 'removed' | 'left';
  adminsOnlyEditInfo: boolean;
  adminsOnlySend: boolean;
  disappearingSeconds: number;
}

export interface ReceiptView {
  username: string;
  deviceId: number;
  /** When this device learned it (ms since epoch). */
  at: number;
}

/** Who has an outgoing group message, and who has read it. */
export interface MessageInfoView {
  messageId: string;
  delivered: ReceiptView[];
  read: ReceiptView[];
  /** Current members (other than this account) who have not read it yet. */
  unread: string[];
}

export type GroupSetting =
  | { kind: 'set-timer'; seconds: number }
  | { kind: 'set-admins-only'; scope: 'edit-info' | 'send'; adminsOnly: boolean };
export interface SearchOptions {
  /** Search one chat only. */
  conversationId?: string;
  /** Most matching messages returned (default DEFAULT_RESULT_LIMIT), newest first. */
  limit?: number;
}

/** A highlighted stretch of a text: [start, end) UTF-16 offsets into it. */
export type HighlightRange = readonly [start: number, end: number];

export interface SearchResultMessage {
  messageId: string;
  conversationId: string;
  senderUsername: string;
  /** As the chat names the sender: the name given them, else their profile's, else the username. */
  senderName: string;
  sentAt: number;
  outgoing: boolean;
  /** What matched: the message's text, or the name of one of its files (inFileName). */
  text: string;
  inFileName: boolean;
  highlights: readonly HighlightRange[];
}

/** The matching messages of one chat, newest first. */
export interface SearchResultGroup {
  conversationId: string;
  kind: 'direct' | 'group';
  title: string;
  messages: SearchResultMessage[];
}

/** A chat whose name (contact or group name) matches. */
export interface SearchResultChat {
  conversationId: string;
  kind: 'direct' | 'group';
  title: string;
  highlights: readonly HighlightRange[];
}

export interface SearchResults {
  query: string;
  chats: SearchResultChat[];
  /** Chats with matching messages, the one with the newest match first. */
  groups: SearchResultGroup[];
}

/** How a message is sent (see Messenger.sendText). */
export interface SendOptions {
  /** A UUID chosen by the caller: retrying with it never sends the message twice. */
  messageId?: string;
  /** The id of a message of the same chat this one replies to (quoted above it). */
  replyTo?: string;
}

export interface Messenger {
  /** null until registered (or restored from the local database). */
  readonly self: Observable<SelfView | null>;
  readonly connection: Observable<ConnectionState>;
  readonly conversationList: Observable<readonly ConversationView[]>;
  /** The account's settings, shared by all its devices (defaults before any change). */
  readonly accountSettings: Observable<AccountSettingsView>;
  /** The own profile and the contacts' decrypted profiles (profiles/). */
  readonly profiles: Observable<ProfilesView>;
  /**
   * Sets this account's profile (name, about line, avatar as a data: URL of a small square image;
   * `avatar: null` removes it, undefined keeps it): encrypted end to end, stored on the relay,
   * shared on all the account's devices and announced to its contacts. INVALID_PROFILE.
   */
  setProfile(profile: ProfileInput): Promise<void>;
  /**
   * Voice and video calls (calls/); absent where the facade cannot carry media (the desktop's
   * remote facade, for now).
   */
  readonly calls?: CallsApi;

  register(username: string): Promise<SelfView>;
  /**
   * On a new device: waits at a one-time provisioning address (10 minutes) and returns the link
   * to show as a QR code and text, and the words to compare. When an existing device approves it
   * the device joins that account (`provisioning` moves to 'joining' then 'linked', and `self`
   * is set); calling it again replaces the link.
   */
  startLinking(): Promise<ProvisioningWaiting>;
  /** Linking as it stands on this (new) device. */
  readonly provisioning: Observable<ProvisioningView>;
  /** On a registered device: the words of a scanned or pasted link, to compare (INVALID_LINK). */
  inspectDeviceLink(link: string): Promise<{ words: string[] }>;
  /**
   * On a registered device: links the new device showing `link` to this account, sealing the
   * account's identity to it end to end (LINK_EXPIRED if the link was used or expired).
   */
  approveDeviceLink(link: string): Promise<void>;
  /**
   * The history transfer of a link as it stands, on both sides: the approving device packs and
   * uploads the account's chats as one encrypted archive, the new device downloads and imports it,
   * newest chats first (it is usable meanwhile). null when no transfer happened.
   */
  readonly linkHistory: Observable<HistoryTransferView | null>;
  /** This account's devices, this one first, with names only the account's devices can read. */
  listDevices(): Promise<DeviceView[]>;
  /**
   * Renames any device of this account (INVALID_DEVICE_NAME when empty or longer than
   * MAX_DEVICE_NAME_LENGTH); the name is sealed to the account's identity key, and every device
   * hears 'devices-changed'.
   */
  renameDevice(deviceId: number, name: string): Promise<void>;
  /**
   * Unlinks another device of this account: its credentials stop working at once on the relay,
   * and it wipes its keys and history ('signed-out' with reason 'unlinked' there).
   */
  unlinkDevice(deviceId: number): Promise<void>;
  openDirectConversation(username: string): Promise<string>;
  /** Creates a group with this account as its admin; returns its conversation id. */
  createGroup(title: string, memberUsernames: readonly string[]): Promise<string>;
  /**
   * New members see the group's history from the point they were added; `shareHistory` gives
   * them all of it.
   */
  addGroupMembers(
    conversationId: string,
    usernames: readonly string[],
    options?: { shareHistory?: boolean },
  ): Promise<void>;
  removeGroupMember(conversationId: string, username: string): Promise<void>;
  leaveGroup(conversationId: string): Promise<void>;
  setGroupRole(conversationId: string, username: string, role: 'admin' | 'member'): Promise<void>;
  renameGroup(conversationId: string, title: string): Promise<void>;
  changeGroupSetting(conversationId: string, setting: GroupSetting): Promise<void>;
  /** undefined for conversations that are not groups. */
  groupInfo(conversationId: string): GroupInfoView | undefined;
  messageInfo(conversationId: string, messageId: string): MessageInfoView;
  /**
   * Appends a text message; resolves with its id once durable. With `options.messageId` (a UUID
   * the caller chose) a repeated call is idempotent: it resolves with the same id and sends nothing
   * more, so a caller that lost the answer may retry (docs/decisions/0710).
   */
  sendText(conversationId: string, text: string, options?: SendOptions): Promise<string>;
  /**
   * Encrypts the file on this device, uploads it (resumable; progress in `transfers`) and sends
   * it with `caption`; resolves with the message id. Refusals: UNSUPPORTED_TYPE,
   * ATTACHMENT_TOO_LARGE, QUOTA_EXCEEDED, TRANSFER_CANCELLED. `options.messageId` makes it
   * idempotent as in sendText: a repeat never posts the file twice (at worst uploads it twice).
   */
  sendAttachment(
    conversationId: string,
    file: AttachmentInput,
    caption?: string,
    options?: SendOptions,
  ): Promise<string>;
  /**
   * Sets this account's reaction to a message (one per person: a new one replaces it), or removes
   * it with null. Every member's devices and this account's others converge on it.
   */
  react(conversationId: string, messageId: string, emoji: string | null): Promise<void>;
  /**
   * Replaces the text of an own message within EDIT_WINDOW_MS of sending (at most
   * MAX_EDITS_PER_MESSAGE times); the earlier versions stay in messageHistory. Refusals:
   * NOT_AUTHOR, WINDOW_PASSED, MESSAGE_DELETED, INVALID_MESSAGE.
   */
  editMessage(conversationId: string, messageId: string, text: string): Promise<void>;
  /**
   * Deletes an own message for everyone within DELETE_FOR_EVERYONE_WINDOW_MS: its text, files,
   * cached media and search entry go on every device, a tombstone stays. NOT_AUTHOR, WINDOW_PASSED.
   */
  deleteForEveryone(conversationId: string, messageId: string): Promise<void>;
  /** Hides messages on this account's devices only (and drops their cached media there). */
  deleteForMe(conversationId: string, messageIds: readonly string[]): Promise<void>;
  /** Sends a copy of a message (text and files) to another chat, marked forwarded; its new id. */
  forwardMessage(
    fromConversationId: string,
    messageId: string,
    toConversationId: string,
  ): Promise<string>;
  /** The versions of a message's text, oldest (the original) first; [] once deleted. */
  messageHistory(conversationId: string, messageId: string): MessageVersionView[];
  /** Uploads and downloads in progress or failed (failed ones carry their error code). */
  readonly transfers: Observable<readonly TransferView[]>;
  /** The decrypted file: cached, or downloaded, checked (ATTACHMENT_CORRUPT) and cached. */
  openAttachment(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer>>;
  /** The decrypted file when this device has it cached; never downloads. */
  cachedAttachment(pointer: AttachmentPointer): Promise<Uint8Array<ArrayBuffer> | undefined>;
  /** Cancels an upload (transfer id) or download (blob id). */
  cancelTransfer(transferId: string): void;
  /**
   * Deletes an attachment's media everywhere this device can reach: the local cache and, for
   * files this account sent, the blob on the relay. For delete-for-everyone and expiry.
   */
  deleteAttachmentMedia(pointer: AttachmentPointer): Promise<void>;
  markRead(conversationId: string, messageId: string): Promise<void>;
  /**
   * Sets the chat's disappearing-messages timer: one of DISAPPEARING_TIMERS (0 is off), else
   * INVALID_TIMER. Any member of a direct chat may; in a group, only admins when the group lets
   * only admins edit its info. Shown as a system line on every device; messages sent from then on
   * expire that long after being read (or sent, on the author's devices).
   */
  setDisappearingTimer(conversationId: string, seconds: number): Promise<void>;
  /**
   * Opens received view-once media, once: its bytes, after which the message shows as 'opened'
   * and its file is gone from this device. VIEW_ONCE_UNAVAILABLE for a second time or an own one.
   */
  openViewOnce(conversationId: string, messageId: string): Promise<Uint8Array<ArrayBuffer>>;
  setTyping(conversationId: string, typing: boolean): void;
  conversations(): Observable<readonly ConversationView[]>;
  /**
   * The chat's timeline: with createMessenger's `timelinePage`, a window of a few pages, at first
   * its newest page, moved by showOlderMessages, showNewerMessages, showNewestMessages and
   * showMessage (docs/decisions/0820, "Scrolling"); otherwise all of it. At the newest page new
   * messages join it; elsewhere it stays put (the person reads older history) until this device
   * sends one, which brings it back to the newest.
   */
  messages(conversationId: string): Observable<readonly MessageView[]>;
  /**
   * Moves messages(conversationId) a page toward older messages (scrolled near its top), reading
   * sealed history as needed; its newest entries past a few pages are dropped.
   */
  showOlderMessages(conversationId: string): void;
  /** Moves it a page toward newer messages (scrolled near its bottom); its oldest are dropped. */
  showNewerMessages(conversationId: string): void;
  /**
   * Moves it back to the newest page (the jump button). Resolves false when it was there already
   * (then only scrolling is left to do); by then the new window's snapshot has been notified.
   */
  showNewestMessages(conversationId: string): Promise<boolean>;
  /**
   * Moves it around `messageId`, with half a page before it, unless it shows it already (a search
   * result, a quote's original). Resolves false when the chat does not hold that message (any
   * more).
   */
  showMessage(conversationId: string, messageId: string): Promise<boolean>;
  /**
   * Full-text search on this device over messages and chat names: case- and diacritics-
   * insensitive, every word of the query matching a word's beginning ("caf" finds "Café").
   */
  search(query: string, options?: SearchOptions): Promise<SearchResults>;
  safetyNumber(username: string): Promise<SafetyNumber>;
  markVerified(username: string, verified: boolean): Promise<void>;
  /** Accept a changed identity key of a verified contact, releasing held sends. */
  acceptIdentityChange(username: string): Promise<void>;
  /**
   * Moves a message request to the chats: receipts and typing flow from now on
   * (MessageRequests in requests/).
   */
  acceptMessageRequest(conversationId: string): Promise<void>;
  /** Deletes a message request's conversation from this device; the stranger is not told. */
  deleteMessageRequest(conversationId: string): Promise<void>;
  /** Blocks the request's sender (account settings' blocked list) and deletes the request. */
  blockMessageRequest(conversationId: string): Promise<void>;
  /**
   * Signs this device out: unregisters it on the relay (its credentials stop working at once;
   * the last device's sign-out deletes the account, since nothing else could restore it), then
   * deletes its databases and closes. Emits 'signed-out'.
   */
  signOut(): Promise<void>;
  /**
   * Deletes the account on the relay (all devices, mailboxes, keys; the username is freed), then
   * this device's data. `typedUsername` must be the account's username (the user's confirmation);
   * otherwise USERNAME_MISMATCH. Emits 'signed-out' with reason 'account-deleted'.
   */
  deleteAccount(typedUsername: string): Promise<void>;
  /** Changes one account setting on this device (and, once synced, on the account's others). */
  updateAccountSettings(change: AccountSettingsChange): Promise<void>;
  on(listener: (event: MessengerEvent) => void): () => void;
  /**
   * Resolves once every envelope received so far is applied and durable, and every chat whose
   * rows were being read (a chat shown for the first time, 0821) is read.
   */
  settled(): Promise<void>;
  /** The relay's VAPID public key (base64url): PushManager.subscribe's applicationServerKey. */
  pushPublicKey(): Promise<string>;
  /**
   * Registers or refreshes this device's Web Push subscription on the relay; null removes it
   * (notifications turned off, sign-out). Pushes carry no content, only a wake-up id.
   */
  setPushSubscription(subscription: WebPushSubscription | null): Promise<void>;
  /**
   * Resolves once connected and everything the device's mailbox held when the socket opened is
   * applied (a service worker woken by a push then shows what arrived).
   */
  caughtUp(): Promise<void>;
  /**
   * Resolves once the outbox is empty: everything sent, receipts included, was accepted by the
   * relay (a service worker that marked a chat read waits for this before it stops).
   */
  sent(): Promise<void>;
  close(): Promise<void>;
}
