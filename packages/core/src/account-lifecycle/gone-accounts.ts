import type { Conversations } from '../conversations/conversations.js';
import type { UnitOfWorkStore } from '../store/repositories.js';
import { UnitOfWork } from '../store/unit-of-work.js';

export interface GoneAccountsDeps {
  conversations: Conversations;
  store: UnitOfWorkStore;
  /** The username may belong to someone else soon (DELETED_USERNAME_RESERVED_MS): forget it. */
  forgetContact(accountId: string): void;
  onError(error: unknown): void;
}

/**
 * Accounts the relay no longer knows (deleted: a send or a key fetch answered NOT_FOUND). Their
 * direct chats are marked, so the UI shows "This account no longer exists" and the facade
 * refuses sends there (ACCOUNT_GONE); the mark is kept with the conversation row.
 */
export class GoneAccounts {
  constructor(private readonly deps: GoneAccountsDeps) {}

  mark(accountIds: readonly string[]): void {
    const gone = new Set(accountIds);
    const work = new UnitOfWork();
    const changed: string[] = [];
    for (const model of this.deps.conversations.all()) {
      const peer = model.row.peerAccountId;
      if (model.row.kind !== 'direct' || !peer || !gone.has(peer) || model.row.peerGone) continue;
      model.row = { ...model.row, peerGone: true };
      work.conversations.set(model.row.id, model.row);
      changed.push(model.row.id);
    }
    for (const accountId of gone) this.deps.forgetContact(accountId);
    void this.deps.store
      .commit(work)
      .then(() => changed.forEach((id) => this.deps.conversations.touchView(id)))
      .catch(this.deps.onError);
  }
}
