/**
 * Encrypting one group message for every member device (docs/decisions/0610-group-messaging.md):
 * the Content is encrypted ONCE with this device's sender key and the same ciphertext goes to
 * every device as a SENDER_KEY_MESSAGE. Devices that do not hold the current sender key first get
 * a SenderKeyDistribution over their 1:1 session (the "prelude", sent and stored before the
 * message so that it is in their mailbox first).
 */
import type { MessageInitShape } from '@bufbuild/protobuf';
import {
  EnvelopeType,
  MAX_DESTINATIONS_PER_SEND,
  MAX_FRAME_BYTES,
  type OutgoingMessageSchema,
} from '@parley/protocol';
import type { ProtocolAddress, SignalEngine } from '../crypto/engine.js';
import { senderKeyDistributionContent } from '../delivery/contents.js';
import type { SignalStores } from '../store/signal-stores.js';
import type { SenderKeys } from './sender-keys.js';

export type OutgoingMessage = MessageInitShape<typeof OutgoingMessageSchema>;

/** The sender-key distribution that must reach `destinations` before the message does. */
export interface Prelude {
  groupId: string;
  distributionId: string;
  destinations: ProtocolAddress[];
  messages: OutgoingMessage[];
}

export interface GroupCiphertexts {
  prelude?: Prelude;
  messages: OutgoingMessage[];
}

/**
 * Bytes a destination costs in a send frame besides its content: the address (account id of 36
 * characters, device id), the type and protobuf tags and lengths. Generous on purpose.
 */
const PER_DESTINATION_OVERHEAD_BYTES = 96;
/** Room kept in a frame for the request's own fields (client id, tags). */
const FRAME_HEADROOM_BYTES = 1024;

export interface GroupEncryptionDeps {
  engine: SignalEngine;
  stores: SignalStores;
  senderKeys: SenderKeys;
}

/** Call under the session lock: the prelude advances 1:1 sessions. */
export async function encryptForGroup(
  deps: GroupEncryptionDeps,
  self: ProtocolAddress,
  groupId: string,
  content: Uint8Array<ArrayBuffer>,
  destinations: readonly ProtocolAddress[],
): Promise<GroupCiphertexts> {
  const { engine, stores, senderKeys } = deps;
  senderKeys.retireGoneHolders(groupId, destinations);
  const distributionId = senderKeys.current(groupId);
  // The relay takes a send only when it names every device of each account it names: when one
  // device of an account misses the key, all of that account's devices get it (again).
  const lacking = new Set(senderKeys.missing(groupId, destinations).map((d) => d.name()));
  const missing = destinations.filter((d) => lacking.has(d.name()));
  let prelude: Prelude | undefined;
  if (missing.length > 0) {
    const distribution = await engine.SenderKeyDistributionMessage.create(
      self,
      distributionId,
      stores,
    );
    const plaintext = senderKeyDistributionContent(groupId, distribution.serialize());
    const messages: OutgoingMessage[] = [];
    for (const destination of missing) {
      const ciphertext = await engine.signalEncrypt(plaintext, destination, self, stores, stores);
      messages.push({
        destination: { accountId: destination.name(), deviceId: destination.deviceId() },
        type:
          ciphertext.type() === engine.CiphertextMessageType.PreKey
            ? EnvelopeType.PREKEY_MESSAGE
            : EnvelopeType.SIGNAL_MESSAGE,
        content: ciphertext.serialize(),
      });
    }
    prelude = { groupId, distributionId, destinations: missing, messages };
  }
  const ciphertext = (await engine.groupEncrypt(self, distributionId, stores, content)).serialize();
  const messages: OutgoingMessage[] = destinations.map((destination) => ({
    destination: { accountId: destination.name(), deviceId: destination.deviceId() },
    type: EnvelopeType.SENDER_KEY_MESSAGE,
    content: ciphertext,
  }));
  return prelude ? { prelude, messages } : { messages };
}

/**
 * Splits one fan-out into sends the relay accepts: at most MAX_DESTINATIONS_PER_SEND destinations
 * and MAX_FRAME_BYTES per frame. An account's devices stay in one page, because the relay checks
 * each named account's complete device set per send.
 */
export function pageFanout(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const byAccount = new Map<string, OutgoingMessage[]>();
  for (const message of messages) {
    const accountId = message.destination?.accountId ?? '';
    const list = byAccount.get(accountId);
    if (list) list.push(message);
    else byAccount.set(accountId, [message]);
  }
  const pages: OutgoingMessage[][] = [];
  let page: OutgoingMessage[] = [];
  let bytes = FRAME_HEADROOM_BYTES;
  for (const devices of byAccount.values()) {
    const cost = devices.reduce((sum, m) => sum + sizeOf(m), 0);
    if (
      page.length > 0 &&
      (page.length + devices.length > MAX_DESTINATIONS_PER_SEND || bytes + cost > MAX_FRAME_BYTES)
    ) {
      pages.push(page);
      page = [];
      bytes = FRAME_HEADROOM_BYTES;
    }
    page.push(...devices);
    bytes += cost;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

function sizeOf(message: OutgoingMessage): number {
  return (message.content?.length ?? 0) + PER_DESTINATION_OVERHEAD_BYTES;
}
