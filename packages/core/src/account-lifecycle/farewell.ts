import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import { accountDeletedContent } from '../delivery/contents.js';
import type { Outbox } from '../delivery/outbox.js';
import { ParleyError } from '../errors.js';
import { UnitOfWork } from '../store/unit-of-work.js';

/**
 * How long account deletion waits for the relay to store its notices and group leaves. Past it
 * the deletion stops with RELAY_UNREACHABLE: the account is not deleted without telling its
 * contacts while the relay can be reached.
 */
export const FAREWELL_TIMEOUT_MS = 15_000;

export interface FarewellDeps {
  conversations: Conversations;
  outbox: Pick<Outbox, 'enqueue' | 'kick' | 'pendingKeys' | 'whenStored'>;
  commit(work: UnitOfWork): Promise<void>;
  groups: {
    isGroup(model: ConversationModel): boolean;
    isMember(model: ConversationModel, accountId: string): boolean;
    leave(conversationId: string): Promise<void>;
  };
  selfAccountId(): string;
  /** The socket is authenticated: sends can be stored now. */
  online(): boolean;
  timeoutMs?: number;
}

/**
 * What a device does before its account is deleted: it leaves its groups (the leave verb, so the
 * members see it go) and sends an end-to-end "account deleted" notice (Content.account_deleted)
 * to every device of each direct contact, then waits until the relay stored all of it. The relay
 * sees ordinary ciphertexts. Message requests are told too: the stranger already had delivered
 * receipts, and learns nothing more than its next send would (docs/decisions/0330).
 */
export class Farewell {
  constructor(private readonly deps: FarewellDeps) {}

  async say(): Promise<void> {
    // Offline, nothing could be stored: stop at once rather than after the timeout.
    if (!this.deps.online()) throw unreachable();
    const before = this.deps.outbox.pendingKeys();
    const self = this.deps.selfAccountId();
    const models = this.deps.conversations.all();
    // Leaving a group changes its document: its rows are read first (0821).
    await this.deps.conversations.ensure(
      models.filter((model) => model.row.kind === 'group').map((model) => model.row.id),
    );
    for (const model of models)
      if (this.deps.groups.isGroup(model) && this.deps.groups.isMember(model, self))
        await this.deps.groups.leave(model.row.id);
    const work = new UnitOfWork();
    for (const model of models) {
      const { kind, peerAccountId, peerGone } = model.row;
      if (kind !== 'direct' || !peerAccountId || peerGone) continue;
      this.deps.outbox.enqueue(work, {
        content: accountDeletedContent(model.row.id),
        recipientAccountIds: [peerAccountId],
        ownDevices: false,
      });
    }
    if (!work.isEmpty) await this.deps.commit(work);
    this.deps.outbox.kick();
    // Rows committed since `before`: the notices, the leaves, and whatever the inbox queued
    // meanwhile (a receipt or two, harmless to wait for).
    const added = [...this.deps.outbox.pendingKeys()].filter((key) => !before.has(key));
    await this.withinTimeout(this.deps.outbox.whenStored(added));
  }

  private async withinTimeout(stored: Promise<void>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unreachable()), this.deps.timeoutMs ?? FAREWELL_TIMEOUT_MS);
    });
    try {
      await Promise.race([stored, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function unreachable(): ParleyError {
  return new ParleyError(
    'RELAY_UNREACHABLE',
    'could not tell your contacts that the account is being deleted: check the connection and try again',
  );
}
