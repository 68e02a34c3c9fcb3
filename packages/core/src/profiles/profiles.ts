import { fromBase64, toBase64 } from '../encoding/base64.js';
import type { OwnProfileFields } from '../account-settings/document-shape.js';
import { Snapshot } from '../facade/observable.js';
import { RelayError } from '../transport/relay-errors.js';
import type { LoadProvisioning } from '../linking/device-linking.js';
import { PROFILE_KEY_BYTES } from './limits.js';

/** The shortest wait before retrying a rate-limited profile fetch (the relay may name none). */
const MIN_RETRY_MS = 1_000;
import { generateProfileKey, validProfile, type Profile, type ProfileInput } from './profile.js';
import type { KnownProfileRow, ProfileStore } from './profile-store.js';

/** What the UI sees: the account's own profile and its contacts' (never a key). */
export interface ProfilesView {
  /** This account's profile, as its devices share it; null until a name was set. */
  self: Profile | null;
  /** accountId -> profile, for contacts whose profile this device decrypted (not blocked ones). */
  contacts: Readonly<Record<string, Profile>>;
}

/** The relay's profile routes (transport/relay-http.ts). */
export interface ProfileRelay {
  getProfile(accountId: string): Promise<{ version: number; ciphertext: string } | undefined>;
  putProfile(version: number, ciphertext: string): Promise<void>;
}

export interface ProfilesDeps {
  /** The profile cipher, supplied by the platform with the linking code (linking/provisioning.ts). */
  ciphers: LoadProvisioning;
  store: ProfileStore;
  relay: ProfileRelay;
  selfAccountId(): string;
  /** The own profile in the account document (account-settings/). */
  ownProfile(): OwnProfileFields | undefined;
  updateOwnProfile(fields: {
    [K in keyof OwnProfileFields]?: OwnProfileFields[K] | null;
  }): Promise<void>;
  blocked(): readonly string[];
  /** Accounts this one wrote to or accepted, and members of its groups. */
  contacts(): readonly string[];
  /** The contacts one conversation reaches: its peer once not a request, or its other members. */
  contactsIn(conversationId: string): readonly string[];
  /** Sends the ProfileKey Content to these accounts' devices (durably, through the outbox). */
  sendKey(accountIds: readonly string[], key: Uint8Array, version: number): Promise<void>;
  /** Sends contacts' keys (each naming its account) to this account's other devices. */
  sendKeysToOwnDevices(rows: readonly KnownProfileRow[]): Promise<void>;
  /** A contact's profile changed on this device (events, views). */
  changed(accountId: string): void;
  onError(error: unknown): void;
}

/**
 * End-to-end encrypted profiles (decision 0345). The own profile lives in the account document;
 * this device seals it with the profile key, stores the ciphertext on the relay, and gives the
 * key to contacts only. Keys from others are kept; their profiles are fetched and opened once
 * they are contacts (a stranger's profile waits until their request is accepted).
 */
export class Profiles {
  readonly view: Snapshot<ProfilesView>;
  private readonly known = new Map<string, KnownProfileRow>();
  /** accountId -> the own profile version last announced to it. */
  private readonly shared = new Map<string, number>();
  private readonly fetching = new Map<string, Promise<void>>();
  /** Waits before retrying a rate-limited fetch; close() ends them. */
  private readonly waits = new Set<() => void>();
  private closed = false;

  constructor(private readonly deps: ProfilesDeps) {
    this.view = new Snapshot(() => this.computeView());
  }

  async load(): Promise<void> {
    const { known, shared } = await this.deps.store.all();
    for (const row of known) this.known.set(row.accountId, row);
    for (const row of shared) this.shared.set(row.accountId, row.version);
    this.view.invalidate();
  }

  /** A contact's decrypted profile, unless the account is blocked. */
  profileOf(accountId: string): Profile | undefined {
    if (this.deps.blocked().includes(accountId)) return undefined;
    return this.known.get(accountId)?.profile;
  }

  /**
   * Sets the own profile: sealed under the profile key (made on first use) at the next version,
   * stored on the relay, written to the account document, and announced to every contact.
   */
  async set(input: ProfileInput): Promise<void> {
    const own = this.deps.ownProfile() ?? {};
    const avatar = input.avatar === null ? undefined : (input.avatar ?? own.avatar);
    const profile = validProfile({
      name: input.name,
      ...(input.about ? { about: input.about } : {}),
      ...(avatar ? { avatar } : {}),
    });
    const key = own.key ?? generateProfileKey();
    const version = await this.publish(key, profile, own.version ?? 0);
    await this.deps.updateOwnProfile({
      name: profile.name,
      about: profile.about ?? null,
      avatar: profile.avatar ?? null,
      key,
      version,
    });
    this.view.invalidate();
    await this.announce(this.deps.contacts(), key, version);
  }

  /**
   * After blocking `accountId`: a new profile key (Signal does the same), so the blocked account's
   * key opens nothing the relay holds from now on; the others get the new key.
   */
  async rotateAfterBlock(accountId: string): Promise<void> {
    this.shared.delete(accountId);
    await this.deps.store.removeShared([accountId]);
    const own = this.deps.ownProfile();
    if (!own?.key || own.name === undefined) return;
    const key = generateProfileKey();
    const profile = validProfile({
      name: own.name,
      ...(own.about ? { about: own.about } : {}),
      ...(own.avatar ? { avatar: own.avatar } : {}),
    });
    const version = await this.publish(key, profile, own.version ?? 0);
    await this.deps.updateOwnProfile({ key, version });
    await this.announce(this.deps.contacts(), key, version);
  }

  /** The user wrote in (or accepted, or created) a conversation: its contacts get the key. */
  async shareIn(conversationId: string): Promise<void> {
    const own = this.deps.ownProfile();
    const contacts = this.deps.contactsIn(conversationId);
    if (own?.key && own.version !== undefined) await this.announce(contacts, own.key, own.version);
    for (const accountId of contacts) void this.fetchIfNewer(accountId);
  }

  /**
   * A ProfileKey Content from `accountId` (not blocked: the content handler drops those first).
   * Kept before the envelope is acknowledged; fetched now if the sender is a contact.
   */
  async receiveKey(accountId: string, key: Uint8Array, version: number): Promise<void> {
    if (accountId === this.deps.selfAccountId() || key.length !== PROFILE_KEY_BYTES) return;
    const previous = this.known.get(accountId);
    if (previous && version < previous.announcedVersion) return; // an older announcement
    const row: KnownProfileRow = {
      ...previous,
      accountId,
      key: new Uint8Array(key),
      announcedVersion: version,
    };
    this.known.set(accountId, row);
    await this.deps.store.putKnown(row);
    if (this.deps.contacts().includes(accountId)) void this.fetchIfNewer(accountId);
  }

  /**
   * A new device joined this account: it gets the contacts' keys this device holds (its own
   * profile key comes with the account document), so it shows their profiles at once.
   */
  async passKeysToOwnDevices(): Promise<void> {
    const known = [...this.known.values()].filter(
      (row) => !this.deps.blocked().includes(row.accountId),
    );
    if (known.length > 0) await this.deps.sendKeysToOwnDevices(known);
  }

  /** Fetches the profile of every contact whose announced version this device has not opened. */
  refreshContacts(): void {
    for (const accountId of this.deps.contacts()) void this.fetchIfNewer(accountId);
  }

  /** Closes the profile database (before sign-out deletes it). */
  close(): void {
    this.closed = true;
    for (const end of this.waits) end();
    this.deps.store.close();
  }

  /** Resolves when no fetch is under way (tests). */
  async idle(): Promise<void> {
    while (this.fetching.size > 0) await Promise.all(this.fetching.values());
  }

  private fetchIfNewer(accountId: string): Promise<void> {
    const row = this.known.get(accountId);
    if (!row || (row.fetchedVersion ?? 0) >= row.announcedVersion) return Promise.resolve();
    if (this.deps.blocked().includes(accountId)) return Promise.resolve();
    const running = this.fetching.get(accountId);
    if (running) return running;
    const fetch = this.fetchPatiently(accountId)
      .catch((error: unknown) => this.deps.onError(error))
      .finally(() => this.fetching.delete(accountId));
    this.fetching.set(accountId, fetch);
    return fetch;
  }

  /**
   * Fetches, and when the relay's limit on profile reads refuses (a device with many contacts
   * fetching them all), waits as long as it says and tries again: a profile is never given up.
   */
  private async fetchPatiently(accountId: string): Promise<void> {
    for (;;) {
      try {
        return await this.fetch(this.known.get(accountId)!);
      } catch (error) {
        if (!(error instanceof RelayError) || error.code !== 'RATE_LIMITED') throw error;
        await this.wait(Math.max(error.retryAfterMs, MIN_RETRY_MS));
        if (this.closed) return;
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.waits.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.waits.add(end);
    });
  }

  private async fetch(row: KnownProfileRow): Promise<void> {
    const stored = await this.deps.relay.getProfile(row.accountId);
    if (!stored || stored.version < row.announcedVersion) return; // not there yet
    // A profile sealed under a key this device does not hold (the owner rotated it and the new
    // key is on its way, or this account is blocked there) is not news; a failure under the key
    // announced for this very version is tampering, and openProfile reports it.
    const { openProfile } = await this.deps.ciphers();
    let profile: Profile;
    try {
      profile = openProfile(row.key, row.accountId, stored.version, fromBase64(stored.ciphertext));
    } catch (error) {
      if (stored.version > row.announcedVersion) return;
      throw error;
    }
    const current = this.known.get(row.accountId) ?? row;
    const next: KnownProfileRow = { ...current, fetchedVersion: stored.version, profile };
    this.known.set(row.accountId, next);
    await this.deps.store.putKnown(next);
    this.view.invalidate();
    this.deps.changed(row.accountId);
  }

  /** Seals `profile` and stores it on the relay above `after`; returns the version stored. */
  private async publish(key: Uint8Array, profile: Profile, after: number): Promise<number> {
    const self = this.deps.selfAccountId();
    const { sealProfile } = await this.deps.ciphers();
    let version = after + 1;
    for (let attempt = 0; ; attempt++) {
      const ciphertext = toBase64(sealProfile(key, self, version, profile));
      try {
        await this.deps.relay.putProfile(version, ciphertext);
        return version;
      } catch (error) {
        // Another device of this account stored a newer version meanwhile: go past it.
        if (!(error instanceof RelayError) || error.code !== 'CONFLICT' || attempt > 0) throw error;
        const stored = await this.deps.relay.getProfile(self);
        version = Math.max(version, stored?.version ?? 0) + 1;
      }
    }
  }

  private async announce(
    accountIds: readonly string[],
    key: Uint8Array,
    version: number,
  ): Promise<void> {
    const blocked = new Set(this.deps.blocked());
    const self = this.deps.selfAccountId();
    const due = [...new Set(accountIds)].filter(
      (id) => id !== self && !blocked.has(id) && (this.shared.get(id) ?? 0) < version,
    );
    if (due.length === 0) return;
    await this.deps.sendKey(due, key, version);
    for (const id of due) this.shared.set(id, version);
    await this.deps.store.putShared(due.map((accountId) => ({ accountId, version })));
  }

  private computeView(): ProfilesView {
    const own = this.deps.ownProfile();
    const blocked = new Set(this.deps.blocked());
    const contacts: Record<string, Profile> = {};
    for (const [accountId, row] of this.known)
      if (row.profile && !blocked.has(accountId)) contacts[accountId] = row.profile;
    return {
      self:
        own?.name !== undefined
          ? {
              name: own.name,
              ...(own.about ? { about: own.about } : {}),
              ...(own.avatar ? { avatar: own.avatar } : {}),
            }
          : null,
      contacts,
    };
  }
}
