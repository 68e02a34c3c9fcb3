import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ContentSchema, Receipt_Kind, type Content } from '@parley/protocol';

/** Builders for the end-to-end Content messages (packages/protocol/proto/parley/content). */

type Body = Content['body'];

function encode(body: Body): Uint8Array<ArrayBuffer> {
  return toBinary(
    ContentSchema,
    create(ContentSchema, { body, createdAt: BigInt(Date.now()) }),
  ) as Uint8Array<ArrayBuffer>;
}

export function decodeContent(bytes: Uint8Array): Content {
  return fromBinary(ContentSchema, bytes);
}

/** A Content without body: announces a new device to its account's other devices. */
export function announcementContent(): Uint8Array<ArrayBuffer> {
  return encode({ case: undefined });
}

export function crdtUpdateContent(
  conversationId: string,
  update: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'crdtUpdate',
    value: { $typeName: 'parley.content.v1.CrdtUpdate', conversationId, update },
  });
}

/** One Automerge sync message of the account document, for one other device of the account. */
export function accountDocumentSyncContent(
  toDeviceId: number,
  message: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'accountDocumentSync',
    value: { $typeName: 'parley.content.v1.AccountDocumentSync', toDeviceId, message },
  });
}

export function syncRequestContent(
  conversationId: string,
  stateVector: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'crdtSyncRequest',
    value: { $typeName: 'parley.content.v1.CrdtSyncRequest', conversationId, stateVector },
  });
}

export function syncResponseContent(
  conversationId: string,
  update: Uint8Array,
  stateVector: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'crdtSyncResponse',
    value: { $typeName: 'parley.content.v1.CrdtSyncResponse', conversationId, update, stateVector },
  });
}

export function receiptContent(
  kind: 'delivered' | 'read',
  conversationId: string,
  messageIds: string[],
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'receipt',
    value: {
      $typeName: 'parley.content.v1.Receipt',
      kind: kind === 'delivered' ? Receipt_Kind.DELIVERED : Receipt_Kind.READ,
      conversationId,
      messageIds,
    },
  });
}

export function typingContent(conversationId: string, typing: boolean): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'typing',
    value: { $typeName: 'parley.content.v1.Typing', conversationId, typing },
  });
}

/** A group member's sender key for `conversationId` (groups/group-encryption.ts). */
export function senderKeyDistributionContent(
  conversationId: string,
  distribution: Uint8Array,
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'senderKeyDistribution',
    value: {
      $typeName: 'parley.content.v1.SenderKeyDistribution',
      conversationId,
      distribution,
    },
  });
}

/** Asks the sending device for its current sender key (this device missed the distribution). */
export function senderKeyRequestContent(distributionId: string): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'senderKeyRequest',
    value: { $typeName: 'parley.content.v1.SenderKeyRequest', distributionId },
  });
}

/** "This account is being deleted", to the peer of the direct conversation (account-lifecycle/). */
export function accountDeletedContent(conversationId: string): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'accountDeleted',
    value: { $typeName: 'parley.content.v1.AccountDeleted', conversationId },
  });
}

/** "Delete for me": sent to this account's own devices only (rich/). */
export function hideMessagesContent(
  conversationId: string,
  messageIds: string[],
): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'hideMessages',
    value: { $typeName: 'parley.content.v1.HideMessages', conversationId, messageIds },
  });
}

export function historyArchiveContent(archive: {
  forDeviceId: number;
  blobId: string;
  key: Uint8Array;
  digest: Uint8Array;
  size: number;
  conversations: number;
}): Uint8Array<ArrayBuffer> {
  return encode({
    case: 'historyArchive',
    value: {
      $typeName: 'parley.content.v1.HistoryArchive',
      ...archive,
      size: BigInt(archive.size),
    },
  });
}
