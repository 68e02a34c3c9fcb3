/**
 * The receiving side of sender keys and their recovery (docs/decisions/0610-group-messaging.md):
 * - a SenderKeyDistribution from a member device is processed into the SenderKeyStore;
 * - a SENDER_KEY_MESSAGE that does not decrypt (the distribution was missed, or arrives later)
 *   makes this device ask the sending device again (SenderKeyRequest over 1:1) instead of failing
 *   forever; once the key arrives, this device asks the sender for what it missed of the group's
 *   document (a state-vector sync request), which fills the gap;
 * - a SenderKeyRequest from a current member is answered with the current distribution;
 * - the message that did not decrypt is kept as a placeholder in its group (the distribution id
 *   names the group to members: distribution-id.ts) and decrypted again when the key arrives;
 *   what the key cannot open (the sender's chain moved on) the state repair brings, and the
 *   sending device's sync answer clears its placeholders (pending-group-messages.ts).
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
import { groupOfDistributionId } from './distribution-id.js';
import type { PendingGroupMessages } from './pending-group-messages.js';

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
  pending: PendingGroupMessages;
  /** Handles a decrypted Content as if it had just arrived (the inbox's handler). */
  deliver(plaintext: Uint8Array, sender: Sender, work: UnitOfWork): Promise<void>;
}

export class SenderKeyExchange {
  /** Sending devices (`account.device`) whose group message failed: answer their key with a sync. */
  private readonly awaited = new Set<string>();

  constructor(private readonly deps: SenderKeyExchangeDeps) {}

  /**
   * A SENDER_KEY_MESSAGE from `sender` did not decrypt: keep it as a placeholder in its group and
   * ask that device for its key. True when a placeholder shows it.
   */
  keyMissing(
    ciphertext: Uint8Array,
    sender: Sender,
    work: UnitOfWork,
    envelope: { key: string; receivedAt: number },
  ): boolean {
    let distributionId: string;
    try {
      distributionId = this.deps.engine.SenderKeyMessage.deserialize(
        ciphertext as Uint8Array<ArrayBuffer>,
      ).distributionId();
    } catch {
      return false; // not a sender-key message at all: nothing to ask for
    }
    const model = this.groupOf(distributionId);
    const kept = model !== undefined && this.fromMember(model, sender);
    if (kept)
      this.deps.pending.keep(work, {
        key: envelope.key,
        conversationId: model.row.id,
        senderId: sender.accountId,
        senderDeviceId: sender.deviceId,
        distributionId,
        ciphertext: ciphertext.slice() as Uint8Array<ArrayBuffer>,
        receivedAt: envelope.receivedAt,
      });
    this.awaited.add(addressOf(sender));
    if (this.awaited.size > MAX_AWAITED_SENDERS) {
      const oldest = this.awaited.values().next().value;
      if (oldest !== undefined) this.awaited.delete(oldest);
    }
    this.reply(work, sender.accountId, senderKeyRequestContent(distributionId));
    return kept;
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
    await this.retryPending(from, sender, conversationId, work);
    // Something of this sender's failed to decrypt (and the key did not open it): ask for what
    // this device misses of the document (all of it when the lost message was the invitation).
    const unopened =
      this.deps.pending.fromDevice(sender.accountId, sender.deviceId, conversationId).length > 0;
    if (this.awaited.delete(addressOf(sender)) || unopened) {
      const stateVector = model ? model.doc.stateVector() : EMPTY_STATE_VECTOR;
      this.reply(work, sender.accountId, syncRequestContent(conversationId, stateVector));
    }
  }

  /**
   * `sender` answered a state-repair request for `conversationId`: its answer holds every message
   * it sent before, so its placeholders there are filled (or were never messages).
   */
  repaired(conversationId: string, sender: Sender, work: UnitOfWork): void {
    for (const row of this.deps.pending.fromDevice(
      sender.accountId,
      sender.deviceId,
      conversationId,
    ))
      this.deps.pending.drop(work, row);
  }

  /** A member device missed our distribution: send it the current one (1:1). */
  async answerRequest(distributionId: string, sender: Sender, work: UnitOfWork): Promise<void> {
    const { engine, stores, senderKeys } = this.deps;
    const groupId = senderKeys.groupOf(distributionId);
    // After a restart the id is not remembered, but it names its group (distribution-id.ts).
    const model = groupId ? this.deps.conversations.get(groupId) : this.groupOf(distributionId);
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

  /**
   * Kept messages of `sender` in the group that its newly received key opens are handled now.
   * A key is the group's (its distribution id names it): kept messages of other groups were
   * sent with other keys.
   */
  private async retryPending(
    from: ProtocolAddress,
    sender: Sender,
    conversationId: string,
    work: UnitOfWork,
  ): Promise<void> {
    for (const row of this.deps.pending.fromDevice(
      sender.accountId,
      sender.deviceId,
      conversationId,
    )) {
      let plaintext: Uint8Array;
      try {
        plaintext = await this.deps.engine.groupDecrypt(from, this.deps.stores, row.ciphertext);
      } catch {
        continue; // an older chain position: the state repair brings it
      }
      this.deps.pending.drop(work, row);
      await this.deps.deliver(plaintext, sender, work);
    }
  }

  /** The group conversation a distribution id names, among this device's groups. */
  private groupOf(distributionId: string): ConversationModel | undefined {
    const groups = this.deps.conversations
      .all()
      .filter((model) => model.row.kind === 'group')
      .map((model) => model.row.id);
    const id = groupOfDistributionId(distributionId, groups);
    return id ? this.deps.conversations.get(id) : undefined;
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
