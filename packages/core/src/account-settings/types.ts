/**
 * The account-settings contract (COORDINATION.md): what every device of one account agrees on —
 * preferences, the blocked list, the names the user gave contacts, accepted message requests and
 * per-chat settings. Held in one Automerge document per account (document-shape.ts).
 */

export type Theme = 'system' | 'light' | 'dark';

/** `mutedUntil` value meaning "muted until unmuted". */
export const MUTED_FOREVER = Number.MAX_SAFE_INTEGER;

/** 0 = not muted; MUTED_FOREVER (Number.MAX_SAFE_INTEGER) = always; else ms since epoch. */
export interface ChatSettingsView {
  pinned: boolean;
  archived: boolean;
  mutedUntil: number;
}

export interface AccountSettingsView {
  /** Default true. Off: this account sends no read receipts to others and shows none from them. */
  readReceipts: boolean;
  /** Default true. Off: sends no typing indicators and shows none. */
  typingIndicators: boolean;
  /** Default 'system'. */
  theme: Theme;
  /** Account ids, sorted. */
  blocked: readonly string[];
  /** accountId -> name the user gave. */
  contactNames: Readonly<Record<string, string>>;
  /** conversationId -> settings; absent = defaults (DEFAULT_CHAT_SETTINGS). */
  chats: Readonly<Record<string, ChatSettingsView>>;
  /** Conversation ids of message requests this account accepted on any of its devices, sorted. */
  acceptedRequests: readonly string[];
}

export type AccountSettingsChange =
  | { kind: 'set-read-receipts'; enabled: boolean }
  | { kind: 'set-typing-indicators'; enabled: boolean }
  | { kind: 'set-theme'; theme: Theme }
  | { kind: 'block'; accountId: string }
  | { kind: 'unblock'; accountId: string }
  /** `name: null` (or empty) forgets the given name. */
  | { kind: 'rename-contact'; accountId: string; name: string | null }
  /** A message request accepted (requests/): on every device of the account. */
  | { kind: 'accept-request'; conversationId: string }
  /** Only the fields given change. */
  | {
      kind: 'set-chat';
      conversationId: string;
      pinned?: boolean;
      archived?: boolean;
      mutedUntil?: number;
    };

export const DEFAULT_CHAT_SETTINGS: ChatSettingsView = Object.freeze({
  pinned: false,
  archived: false,
  mutedUntil: 0,
});

export const DEFAULT_ACCOUNT_SETTINGS: AccountSettingsView = Object.freeze({
  readReceipts: true,
  typingIndicators: true,
  theme: 'system',
  blocked: Object.freeze([]),
  contactNames: Object.freeze({}),
  chats: Object.freeze({}),
  acceptedRequests: Object.freeze([]),
});

/** Longest name a user can give a contact, in characters. */
export const MAX_CONTACT_NAME_LENGTH = 64;
