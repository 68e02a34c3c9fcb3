/**
 * The receiving side of sender keys and their recovery (docs/decisions/0610-group-messaging.md):
 * - a SenderKeyDistribution from a member device is processed into the SenderKeyStore;
 * - a SENDER_KEY_MESSAGE that does not decrypt (the distribution was missed, or arrives later)
 *   makes this device ask the sending device again (SenderKeyRequest over 1:1) instead of failing
 *   forever; once the key arrives, this device asks the sender for what it missed of the group's
 *   document (a state-vector sync request), which fills the gap;
 * - a SenderKeyRequest from a current member is answered with the current distribution.
 */
import * as Y from 'yjs';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import {
  senderKeyDistributionContent,
  senderKeyRequestContent,
  syncRequestContent,
} from '../delivery/contents.js';
import type { Sender } from '../delivery/inbox.js';
import type { ConversationModel, Conversations } from '../conversations/conversations.js';
import type { SignalStores } from '../store/signal-stores.js';
import type { UnitOfWork } from '../store/unit-of-work.js';
import type { SenderKeys } from './sender-keys.js';

/** The state vector of an empty document: "send me everything". */
const EMPTY_STATE_VECTOR = Y.encodeStateVector(new Y.Doc());

/** Missing-key requests remembered per sending device, oldest forgotten first. */
const MAX_AWAITED_SENDERS = 4096;

export interface SenderKeyExchangeDeps {
  engine: SignalEngine;
  stores: SignalStores;
  senderKeys: SenderKeys;
  conversations: Conversations;
  local(): ProtocolAddress;
  selfAccountId(): string;
  isMember(model: ConversationModel, accountId: string): boolean;
  enqueue(
    work: UnitOfWork,
    item: { content: Uint8Array<ArrayBuffer>; recipientAccountIds: string[]; ownDevices: boolean },
  ): void;
  reject(sender: Sender, reason: string): void;
}

export class SenderKeyExchange {
  /** Sending devices (`account.device`) whose group message failed: answer their key with a sync. */
  private readonly awaited = new Set<string>();

  constructor(private readonly deps: SenderKeyExchangeDeps) {}

  /** A SENDER_KEY_MESSAGE from `sender` did not decrypt: ask that device for its key. */
  keyMissing(ciphertext: Uint8Array, sender: Sender, work: UnitOfWork): void {
    let distributionId: string;
    try {
      distributionId = this.deps.engine.SenderKeyMessage.deserialize(
        ciphertext as Uint8Array<ArrayBuffer>,
      ).distributionId();
    } catch {
      return; // not a sender-key message at all: nothing to ask for
    }
    this.awaited.add(addressOf(sender));
    if (this.awaited.size > MAX_AWAITED_SENDERS) {
      const oldest = this.awaited.values().next().value;
      if (oldest !== undefined) this.awaited.delete(oldest);
    }
    this.reply(work, sender.accountId, senderKeyRequestContent(distributionId));
  }

  async receiveDistribution(
    conversationId: string,
    distribution: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
  ): Promise<void> {
    const model = this.deps.conversations.get(conversationId);
    // Unknown conversation: the invitation may still be on its way; the key is harmless alone
    // (only members' documents are ever accepted).
    if (model && !this.fromMember(model, sender)) {
      this.deps.reject(sender, `sender key for ${conversationId} from a non-member`);
      return;
    }
    const { engine, stores } = this.deps;
    const from = engine.ProtocolAddress.new(sender.accountId, sender.deviceId);
    await engine.processSenderKeyDistributionMessage(
      from,
      engine.SenderKeyDistributionMessage.deserialize(distribution as Uint8Array<ArrayBuffer>),
      stores,
    );
    // Something of this sender's failed to decrypt: ask for what this device misses of the
    // document (all of it when the lost message was the invitation itself).
    if (this.awaited.delete(addressOf(sender))) {
      const stateVector = model ? model.doc.stateVector() : EMPTY_STATE_VECTOR;
      this.reply(work, sender.accountId, syncRequestContent(conversationId, stateVector));
    }
  }

  /** A member device missed our distribution: send it the current one (1:1). */
  async answerRequest(distributionId: string, sender: Sender, work: UnitOfWork): Promise<void> {
    const { engine, stores, senderKeys } = this.deps;
    const groupId = senderKeys.groupOf(distributionId);
    const model = groupId ? this.deps.conversations.get(groupId) : undefined;
    if (!model || !this.fromMember(model, sender)) return; // not ours, or not theirs to ask
    const current = senderKeys.current(model.row.id);
    const distribution = await engine.SenderKeyDistributionMessage.create(
      this.deps.local(),
      current,
      stores,
    );
    this.reply(
      work,
      sender.accountId,
      senderKeyDistributionContent(model.row.id, distribution.serialize()),
    );
  }

  private fromMember(model: ConversationModel, sender: Sender): boolean {
    return (
      sender.accountId === this.deps.selfAccountId() || this.deps.isMember(model, sender.accountId)
    );
  }

  private reply(work: UnitOfWork, accountId: string, content: Uint8Array<ArrayBuffer>): void {
    const own = accountId === this.deps.selfAccountId();
    this.deps.enqueue(work, {
      content,
      recipientAccountIds: own ? [] : [accountId],
      ownDevices: own,
    });
  }
}

function addressOf(sender: Sender): string {
  return `${sender.accountId}.${sender.deviceId}`;
}
