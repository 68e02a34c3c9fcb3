import { create } from '@bufbuild/protobuf';
import { EnvelopeSchema, EnvelopeType, type Envelope } from '@parley/protocol';
import { Conversations } from '../../src/conversations/conversations.js';
import { ContentHandler, type OutboxQueue } from '../../src/delivery/content-handler.js';
import { Inbox, type EnvelopeDecryption, type Sender } from '../../src/delivery/inbox.js';
import { MemoryStore } from '../../src/store/memory-store.js';

/**
 * A receiving device's inbox, content handler and conversations on the in-memory store, without
 * crypto, relay or network: an envelope's `content` is the Content's bytes themselves (the
 * stand-in decryption returns it), so tests see exactly what the inbox and content handling do.
 */
export class Receiver {
  readonly store: MemoryStore;
  readonly conversations: Conversations;
  readonly handler: ContentHandler;
  readonly inbox: Inbox;
  /** Decryptions by client id. Replies the content handler staged are in store.outbox. */
  readonly decrypted = new Map<string, number>();
  readonly acked: bigint[] = [];
  readonly rejected: Array<{ sender: Sender; reason: string }> = [];
  readonly errors: unknown[] = [];
  /** Accounts whose "account deleted" notice was honoured. */
  readonly gone: string[] = [];
  /** Profile keys handed to profiles/ as [owner account, version]. */
  readonly profileKeys: [string, number][] = [];
  /** Accounts this device blocked (the account settings' list). */
  readonly blocked = new Set<string>();
  /** Server ids acked while their batch was not durable yet (must stay empty). */
  readonly ackedBeforeDurable: bigint[] = [];

  constructor(
    readonly accountId: string,
    store = new MemoryStore(),
  ) {
    this.store = store;
    this.conversations = new Conversations({
      store,
      selfAccountId: () => accountId,
      changed: () => {},
    });
    const outbox: OutboxQueue = {
      // As Outbox.enqueue: the row is staged on the caller's unit of work.
      enqueue: (work, item) =>
        work.outbox.push({
          idempotencyKey: crypto.randomUUID(),
          content: item.content,
          recipientAccountIds: item.recipientAccountIds,
          ownDevices: item.ownDevices,
          messageIds: item.messageIds ?? [],
          createdAt: Date.now(),
        }),
    };
    this.handler = new ContentHandler({
      conversations: this.conversations,
      outbox,
      selfAccountId: () => accountId,
      isBlocked: (id) => this.blocked.has(id),
      learnUsername: () => {},
      reject: (sender, reason) => this.rejected.push({ sender, reason }),
      typingChanged: () => {},
      accountGone: (id) => this.gone.push(id),
      profileKey: async (owner, _key, version) => void this.profileKeys.push([owner, version]),
    });
    const decryption: EnvelopeDecryption = {
      decrypt: async (envelope) => {
        this.decrypted.set(envelope.clientId, (this.decrypted.get(envelope.clientId) ?? 0) + 1);
        return envelope.content;
      },
      isDuplicate: () => false,
      commitSessionsWith: (commit) => commit([]),
    };
    this.inbox = new Inbox({
      store,
      decryption,
      ack: (serverIds) => {
        for (const id of serverIds) {
          this.acked.push(id);
          const durable = [...store.processedEnvelopes.keys()].some((key) =>
            key.endsWith(`/${clientIdOf.get(id)}`),
          );
          if (!durable) this.ackedBeforeDurable.push(id);
        }
      },
      handlers: {
        handle: (content, sender, work) => this.handler.handle(content, sender, work),
        batchHandled: (work) => this.handler.applyQueued(work),
        committed: () => {},
        decryptFailed: (sender, reason) => this.rejected.push({ sender, reason }),
      },
      onError: (error) => this.errors.push(error),
    });
  }

  /**
   * Pushes `envelopes` and waits until they are handled. The first push starts a batch at once;
   * the others queue meanwhile and form the next batch.
   */
  async receive(envelopes: Envelope[], live = false): Promise<void> {
    for (const envelope of envelopes) this.inbox.push(envelope, live);
    await this.inbox.idle();
  }
}

/** serverId -> clientId of every envelope made by envelope(), for the durable-before-ack check. */
const clientIdOf = new Map<bigint, string>();
let nextServerId = 1n;

/** An envelope from `from` carrying `content` as its (stand-in) ciphertext. */
export function envelope(
  from: Sender,
  content: Uint8Array,
  clientId: string = crypto.randomUUID(),
): Envelope {
  const serverId = nextServerId++;
  clientIdOf.set(serverId, clientId);
  return create(EnvelopeSchema, {
    serverId,
    type: EnvelopeType.SIGNAL_MESSAGE,
    source: { accountId: from.accountId, deviceId: from.deviceId },
    clientId,
    content,
  });
}

/** The same mailbox entry pushed again (not acked in time, or a new connection's backlog). */
export function redelivery(original: Envelope): Envelope {
  return create(EnvelopeSchema, { ...original });
}
