import { ParleyError } from '../errors.js';

/**
 * The history archive's plaintext (decision 0350): the account's conversations, newest first,
 * each as its compacted CRDT state (one Yjs update holding the whole document) and the little
 * the conversation row needs. Layout: "PHA1", then per conversation
 * u32 header length, header JSON, u32 state length, state bytes, then as many sealed segments as
 * the header's `segments` says (history/, decision 0820), each u32 length and bytes (lengths
 * big-endian). An archive from before segments has no `segments` and reads the same.
 * The archive is sealed as an attachment before it leaves the device; this is only its framing.
 */
export interface ArchivedConversation {
  id: string;
  kind: 'direct' | 'group';
  peerAccountId?: string;
  /** Still a message request on the device it came from. */
  request?: boolean;
  /** A group request: who added the account (ConversationRow.invitedBy). */
  invitedBy?: string;
  updatedAt: number;
  /** Y.encodeStateAsUpdate of the conversation's document. */
  state: Uint8Array;
  /** Its sealed segments' bytes (protobuf SealedSegment), oldest first. */
  segments?: Uint8Array[];
}

const MAGIC = new TextEncoder().encode('PHA1');
/** Largest header of one conversation, in bytes (its id, kind, peer and time are tiny). */
const MAX_HEADER_BYTES = 4096;
/** Most segments of one conversation (a million entries at 1,000 a segment): a bound on a header. */
const MAX_SEGMENTS = 1000;

export function encodeHistoryArchive(
  conversations: readonly ArchivedConversation[],
): Uint8Array<ArrayBuffer> {
  const writer = new HistoryArchiveWriter();
  for (const conversation of conversations) writer.add(conversation);
  return writer.finish();
}

/**
 * Writes an archive a conversation at a time, so the packing holds the archive's bytes and one
 * batch of documents, never every conversation's document at once (history-packing.ts).
 */
export class HistoryArchiveWriter {
  private readonly encoder = new TextEncoder();
  private readonly parts: Uint8Array[] = [MAGIC];
  private size = MAGIC.length;

  add({ state, segments = [], ...header }: ArchivedConversation): void {
    const json = this.encoder.encode(
      JSON.stringify(segments.length > 0 ? { ...header, segments: segments.length } : header),
    );
    this.push(u32(json.length), json, u32(state.length), state);
    for (const segment of segments) this.push(u32(segment.length), segment);
  }

  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private push(...parts: Uint8Array[]): void {
    for (const part of parts) {
      this.parts.push(part);
      this.size += part.length;
    }
  }
}

/** The archive's conversations in order, one at a time (so the newest can be shown first). */
export function* decodeHistoryArchive(bytes: Uint8Array): Generator<ArchivedConversation> {
  if (bytes.length < MAGIC.length || MAGIC.some((b, i) => bytes[i] !== b))
    throw damaged('not a Parley history archive');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let at = MAGIC.length;
  const take = (length: number): Uint8Array => {
    if (at + length > bytes.length) throw damaged('the history archive is cut short');
    const slice = bytes.subarray(at, at + length);
    at += length;
    return slice;
  };
  const length = (): number => {
    if (at + 4 > bytes.length) throw damaged('the history archive is cut short');
    const value = view.getUint32(at);
    at += 4;
    return value;
  };
  while (at < bytes.length) {
    const headerLength = length();
    if (headerLength > MAX_HEADER_BYTES) throw damaged('a history archive header is too large');
    const header = JSON.parse(decoder.decode(take(headerLength))) as Partial<
      Omit<ArchivedConversation, 'segments'> & { segments: number }
    >;
    if (
      typeof header.id !== 'string' ||
      (header.kind !== 'direct' && header.kind !== 'group') ||
      typeof header.updatedAt !== 'number' ||
      (header.peerAccountId !== undefined && typeof header.peerAccountId !== 'string') ||
      (header.invitedBy !== undefined && typeof header.invitedBy !== 'string') ||
      (header.segments !== undefined &&
        !(
          Number.isSafeInteger(header.segments) &&
          header.segments >= 0 &&
          header.segments <= MAX_SEGMENTS
        ))
    )
      throw damaged('a history archive header is malformed');
    const state = take(length());
    const segments = Array.from({ length: header.segments ?? 0 }, () => take(length()));
    yield {
      id: header.id,
      kind: header.kind,
      updatedAt: header.updatedAt,
      ...(header.peerAccountId ? { peerAccountId: header.peerAccountId } : {}),
      ...(header.request === true ? { request: true } : {}),
      ...(header.invitedBy ? { invitedBy: header.invitedBy } : {}),
      state,
      ...(segments.length > 0 ? { segments } : {}),
    };
  }
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function damaged(message: string): ParleyError {
  return new ParleyError('ATTACHMENT_CORRUPT', message);
}
