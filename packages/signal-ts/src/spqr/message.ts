/**
 * The SPQR V1 wire payload (SparsePostQuantumRatchet `src/v1/chunked/states/serialize.rs`):
 * version (1) || varint epoch (>= 1) || varint index || type || [varint chunk index || 32 bytes].
 * Trailing bytes are allowed (room for future upgrades), as in the reference.
 */
import type { Bytes } from '../bytes.js';
import { PqRatchetError } from './pq-ratchet.js';

export const SPQR_VERSION_V1 = 1;

export enum PqMessageType {
  None = 0,
  Hdr = 1,
  Ek = 2,
  EkCt1Ack = 3,
  Ct1Ack = 4,
  Ct1 = 5,
  Ct2 = 6,
}

const CHUNK_DATA_LENGTH = 32;
const MAX_CHUNK_INDEX = 65_535;
const MAX_VARINT_BYTES = 10;

export interface PqChunk {
  readonly index: number;
  readonly data: Bytes;
}

export interface PqMessage {
  readonly epoch: number;
  readonly index: number;
  readonly type: PqMessageType;
  readonly chunk: PqChunk | undefined;
}

export function encodePqMessage(message: PqMessage): Bytes {
  const out: number[] = [SPQR_VERSION_V1];
  pushVarint(out, message.epoch);
  pushVarint(out, message.index);
  out.push(message.type);
  if (message.chunk !== undefined) {
    pushVarint(out, message.chunk.index);
    out.push(...message.chunk.data);
  }
  return Uint8Array.from(out);
}

/** Parses a V1 payload; the caller has already checked that byte 0 is version 1. */
export function decodePqMessage(bytes: Uint8Array): PqMessage {
  if (bytes[0] !== SPQR_VERSION_V1) throw new PqRatchetError('not a V1 message');
  const cursor = { at: 1 };
  const epoch = readVarint(bytes, cursor);
  if (epoch === 0) throw new PqRatchetError('message epoch 0');
  const index = readVarint(bytes, cursor);
  if (index > 0xffff_ffff) throw new PqRatchetError('message index out of range');
  const type = bytes[cursor.at];
  if (type === undefined || type > PqMessageType.Ct2) throw new PqRatchetError('bad message type');
  cursor.at += 1;
  const hasChunk = type !== PqMessageType.None && type !== PqMessageType.Ct1Ack;
  return { epoch, index, type, chunk: hasChunk ? readChunk(bytes, cursor) : undefined };
}

function readChunk(bytes: Uint8Array, cursor: { at: number }): PqChunk {
  const index = readVarint(bytes, cursor);
  const end = cursor.at + CHUNK_DATA_LENGTH;
  if (index > MAX_CHUNK_INDEX || end > bytes.length) throw new PqRatchetError('bad chunk');
  const data = bytes.slice(cursor.at, end);
  cursor.at = end;
  return { index, data };
}

function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

/** Unsigned LEB128 up to 10 bytes; values past 2^53 cannot be represented and are refused. */
function readVarint(bytes: Uint8Array, cursor: { at: number }): number {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const byte = bytes[cursor.at];
    if (byte === undefined) throw new PqRatchetError('truncated varint');
    cursor.at += 1;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw new PqRatchetError('varint too large');
      return value;
    }
    scale *= 0x80;
  }
  throw new PqRatchetError('varint too long');
}
