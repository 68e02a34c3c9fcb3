import type { AutomergeApi } from './automerge-loader.js';
import { DEFAULT_ACCOUNT_SETTINGS, type AccountSettingsView, type Theme } from './types.js';

/**
 * The account document's shape. Every collection is a flat map from an id to a scalar, one map
 * per field, and all maps exist in the shared base change (accountDocumentBase): two devices that
 * edit the same chat concurrently (pin on one, mute on the other) write different keys of
 * different maps, so both edits hold. A nested object per chat would not merge: two devices
 * creating `chats[id]` concurrently make two objects, and one of them loses all its fields.
 */
export interface AccountDocument {
  preferences: { readReceipts?: boolean; typingIndicators?: boolean; theme?: Theme };
  /** accountId -> true. */
  blocked: Record<string, boolean>;
  /** accountId -> the name the user gave. */
  contactNames: Record<string, string>;
  /** conversationId -> true: a message request this account accepted (on any device). */
  acceptedRequests: Record<string, boolean>;
  pinned: Record<string, boolean>;
  archived: Record<string, boolean>;
  mutedUntil: Record<string, number>;
  /**
   * The account's own profile (profiles/, decision 0345), one scalar per key: name, about and
   * avatar as the user set them, the profile key and the version stored on the relay. Created by
   * the second base change, so documents saved before it existed gain it on load.
   */
  profile: OwnProfileFields;
}

export interface OwnProfileFields {
  name?: string;
  about?: string;
  /** A data: URL (profiles/profile.ts). */
  avatar?: string;
  key?: Uint8Array;
  version?: number;
}

/**
 * A fixed actor and time make the base change byte-identical on every device (same hash), so
 * documents created independently on two devices share their root maps instead of racing to
 * create them.
 */
const BASE_ACTOR = '00000000000000000000000000000001';

export function accountDocumentBase(am: AutomergeApi): Uint8Array {
  const base = am.change(am.init<AccountDocument>({ actor: BASE_ACTOR }), { time: 0 }, (doc) => {
    doc.preferences = {};
    doc.blocked = {};
    doc.contactNames = {};
    doc.acceptedRequests = {};
    doc.pinned = {};
    doc.archived = {};
    doc.mutedUntil = {};
  });
  // A second base change, made the same way (same actor, time 0, on the first): documents saved
  // before profiles existed hold the first only, and load this one beside it, so every device
  // shares one `profile` map whatever version created its document.
  const withProfile = am.change(base, { time: 0 }, (doc) => {
    doc.profile = {};
  });
  return am.save(withProfile);
}

/** The view the facade exposes, read from the document (missing keys are defaults). */
export function viewOf(doc: AccountDocument): AccountSettingsView {
  const chats: Record<string, { pinned: boolean; archived: boolean; mutedUntil: number }> = {};
  const chat = (id: string) => (chats[id] ??= { pinned: false, archived: false, mutedUntil: 0 });
  for (const [id, pinned] of Object.entries(doc.pinned ?? {})) chat(id).pinned = pinned;
  for (const [id, archived] of Object.entries(doc.archived ?? {})) chat(id).archived = archived;
  for (const [id, until] of Object.entries(doc.mutedUntil ?? {}))
    chat(id).mutedUntil = Number(until); // large ints load back as bigint
  const prefs = doc.preferences ?? {};
  return {
    readReceipts: prefs.readReceipts ?? DEFAULT_ACCOUNT_SETTINGS.readReceipts,
    typingIndicators: prefs.typingIndicators ?? DEFAULT_ACCOUNT_SETTINGS.typingIndicators,
    theme: prefs.theme ?? DEFAULT_ACCOUNT_SETTINGS.theme,
    blocked: keysSet(doc.blocked),
    contactNames: { ...(doc.contactNames ?? {}) },
    acceptedRequests: keysSet(doc.acceptedRequests),
    chats,
  };
}

function keysSet(map: Record<string, boolean> | undefined): string[] {
  return Object.entries(map ?? {})
    .filter(([, on]) => on)
    .map(([id]) => id)
    .sort();
}
