import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  SealedAttachmentSchema,
  SealedEntrySchema,
  SealedSegmentSchema,
  type SealedAttachment,
  type SealedEntry,
} from '@parley/protocol';
import type { MessageEntry } from '../conversations/conversation-doc.js';
import { checkedPointer, type AttachmentPointer } from '../media/attachment-pointer.js';

/**
 * A sealed segment's bytes: the entries, in timeline order, as the protobuf SealedSegment
 * (packages/protocol/proto/parley/history/v1/segment.proto). Entries came from other devices, so
 * only well-formed fields are kept: a field of the wrong type is dropped, as the projection
 * (conversations.ts messageRow) would ignore it.
 */
export function encodeSegment(entries: readonly MessageEntry[]): Uint8Array<ArrayBuffer> {
  const segment = create(SealedSegmentSchema, { entries: entries.map(sealedEntry) });
  return toBinary(SealedSegmentSchema, segment) as Uint8Array<ArrayBuffer>;
}

export function decodeSegment(bytes: Uint8Array): MessageEntry[] {
  return fromBinary(SealedSegmentSchema, bytes).entries.map(messageEntry);
}

const KINDS: ReadonlySet<string> = new Set(['text', 'membership', 'timer']);

function sealedEntry(entry: MessageEntry): SealedEntry {
  return create(SealedEntrySchema, {
    id: text(entry.id) ?? '',
    kind: text(entry.kind) ?? 'text',
    senderId: text(entry.senderId) ?? '',
    senderDeviceId: whole(entry.senderDeviceId) ?? 0,
    sentAt: finite(entry.sentAt) ?? 0,
    hlc: finite(entry.hlc),
    body: text(entry.body) ?? '',
    replyTo: text(entry.replyTo),
    forwarded: entry.forwarded === true,
    opId: text(entry.opId),
    attachments: (Array.isArray(entry.attachments) ? entry.attachments : [])
      .map(checkedPointer)
      .filter((pointer) => pointer !== undefined)
      .map(sealedAttachment),
    disappearingSeconds: whole(entry.disappearingSeconds),
    timerSeconds: whole(entry.timerSeconds),
  });
}

function messageEntry(sealed: SealedEntry): MessageEntry {
  const kind = KINDS.has(sealed.kind) ? (sealed.kind as MessageEntry['kind']) : 'text';
  return {
    id: sealed.id,
    kind,
    senderId: sealed.senderId,
    senderDeviceId: sealed.senderDeviceId,
    sentAt: sealed.sentAt,
    ...(sealed.hlc !== undefined ? { hlc: sealed.hlc } : {}),
    body: sealed.body,
    ...(sealed.replyTo !== undefined ? { replyTo: sealed.replyTo } : {}),
    ...(sealed.forwarded ? { forwarded: true } : {}),
    ...(sealed.opId !== undefined ? { opId: sealed.opId } : {}),
    ...(sealed.attachments.length > 0
      ? { attachments: sealed.attachments.map(attachmentPointer) }
      : {}),
    ...(sealed.disappearingSeconds !== undefined
      ? { disappearingSeconds: sealed.disappearingSeconds }
      : {}),
    ...(sealed.timerSeconds !== undefined ? { timerSeconds: sealed.timerSeconds } : {}),
  };
}

function sealedAttachment(pointer: AttachmentPointer): SealedAttachment {
  return create(SealedAttachmentSchema, {
    blobId: pointer.blobId,
    key: pointer.key,
    digest: pointer.digest,
    size: pointer.size,
    contentType: pointer.contentType,
    kind: pointer.kind,
    fileName: pointer.fileName,
    viewOnce: pointer.viewOnce === true,
    width: pointer.width,
    height: pointer.height,
    durationMs: pointer.durationMs,
    thumbnail: pointer.thumbnail,
    placeholder: pointer.placeholder,
    waveform: pointer.waveform ?? [],
  });
}

function attachmentPointer(sealed: SealedAttachment): AttachmentPointer {
  const pointer = {
    blobId: sealed.blobId,
    key: sealed.key,
    digest: sealed.digest,
    size: sealed.size,
    contentType: sealed.contentType,
    kind: sealed.kind,
    ...(sealed.fileName !== undefined ? { fileName: sealed.fileName } : {}),
    ...(sealed.viewOnce ? { viewOnce: true } : {}),
    ...(sealed.width !== undefined ? { width: sealed.width } : {}),
    ...(sealed.height !== undefined ? { height: sealed.height } : {}),
    ...(sealed.durationMs !== undefined ? { durationMs: sealed.durationMs } : {}),
    ...(sealed.thumbnail !== undefined ? { thumbnail: sealed.thumbnail } : {}),
    ...(sealed.placeholder !== undefined ? { placeholder: sealed.placeholder } : {}),
    ...(sealed.waveform.length > 0 ? { waveform: [...sealed.waveform] } : {}),
  };
  return pointer as AttachmentPointer;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function whole(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff
    ? value
    : undefined;
}
