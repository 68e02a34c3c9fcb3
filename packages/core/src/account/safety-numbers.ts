import type { Conversations } from '../conversations/conversations.js';
import type { SignalEngine } from '../crypto/engine.js';
import { safetyNumberOf, type SafetyNumber } from '../crypto/safety-number.js';
import { ParleyError, relayCall } from '../errors.js';
import type { IdentityRow } from '../store/database.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import type { SignalStores } from '../store/signal-stores.js';
import { UnitOfWork } from '../store/unit-of-work.js';
import type { Contacts } from './contacts.js';
import type { LocalDevice } from './local-device.js';

export interface SafetyNumbersDeps {
  engine: SignalEngine;
  device: LocalDevice;
  stores: SignalStores;
  /** Sets up sessions with `accountId`'s devices (fetching its identity key with its bundles). */
  establishSessions(accountId: string): Promise<void>;
  contacts: Contacts;
  conversations: Conversations;
  store: UnitOfWorkStore;
  /** Sends held for an account may go now (its new identity key was accepted). */
  releaseHeldSends(): void;
  /** A contact's identity key changed; a system entry was added to `conversationId`. */
  changed(username: string, conversationId: string): void;
}

/** Contacts' identity keys as the user sees them: safety numbers, verification, key changes (0305). */
export class SafetyNumbers {
  constructor(private readonly deps: SafetyNumbersDeps) {}

  async of(username: string): Promise<SafetyNumber> {
    const { engine, device, contacts } = this.deps;
    const account = device.require();
    const accountId = await contacts.lookup(username);
    const identity = await this.identityOf(accountId);
    return safetyNumberOf(engine, account, accountId, identity.publicKey, identity.verified);
  }

  async markVerified(username: string, verified: boolean): Promise<void> {
    const accountId = await this.deps.contacts.lookup(username);
    const identity = await this.identityOf(accountId);
    await this.deps.stores.putIdentity({ ...identity, verified });
  }

  async acceptChange(username: string): Promise<void> {
    const accountId = await this.deps.contacts.lookup(username);
    const identity = this.deps.stores.identityOf(accountId);
    if (!identity?.pendingAcceptance)
      throw new ParleyError('NO_IDENTITY_CHANGE', `${username}'s identity key did not change`);
    // Accepting a new key is not verifying it: the user has to compare safety numbers again.
    await this.deps.stores.putIdentity({ ...identity, pendingAcceptance: false, verified: false });
    this.deps.releaseHeldSends();
  }

  /** SignalStores replaced `accountId`'s stored identity key: say so in its conversations. */
  async replaced(accountId: string): Promise<void> {
    const { contacts, conversations, store } = this.deps;
    const username = contacts.usernameOf(accountId) ?? accountId;
    const work = new UnitOfWork();
    const affected = conversations.all().filter((model) => model.row.peerAccountId === accountId);
    await conversations.ensure(affected.map((model) => model.row.id));
    for (const model of affected)
      conversations.addSystemEntry(work, model, `Your safety number with ${username} changed.`);
    await store.commit(work);
    for (const model of affected) this.deps.changed(username, model.row.id);
  }

  private async identityOf(accountId: string): Promise<IdentityRow> {
    const { stores } = this.deps;
    let identity = stores.identityOf(accountId);
    if (!identity) {
      await relayCall(() => this.deps.establishSessions(accountId));
      identity = stores.identityOf(accountId);
    }
    if (!identity) throw new ParleyError('UNKNOWN_USER', `no identity key known for ${accountId}`);
    return identity;
  }
}
