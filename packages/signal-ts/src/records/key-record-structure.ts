/**
 * The protobuf shared by the prekey records (libsignal storage.proto): PreKeyRecordStructure is
 * {1 id, 2 public_key, 3 private_key}; SignedPreKeyRecordStructure adds {4 signature, 5 timestamp
 * (fixed64)} and also stores Kyber prekeys (with KEM keys in fields 2 and 3).
 *
 * Written like prost writes proto3: fields holding their default (0, empty) are left out, so our
 * bytes equal native's for the same record.
 */
import type { Bytes } from '../bytes.js';
import { BinaryWriter, ProtoFields, WireType } from '../protobuf/reader.js';

const ID = 1;
const PUBLIC_KEY = 2;
const PRIVATE_KEY = 3;
const SIGNATURE = 4;
const TIMESTAMP = 5;

export interface KeyRecordStructure {
  id: number;
  publicKey: Uint8Array;
  privateKey: Uint8Array;
  signature: Uint8Array;
  /** Milliseconds since the epoch (a uint64 on the wire). */
  timestamp: number;
}

export function encodeKeyRecord(record: KeyRecordStructure): Bytes {
  const writer = new BinaryWriter();
  if (record.id !== 0) writer.tag(ID, WireType.Varint).uint32(record.id);
  if (record.publicKey.length > 0)
    writer.tag(PUBLIC_KEY, WireType.LengthDelimited).bytes(record.publicKey);
  if (record.privateKey.length > 0)
    writer.tag(PRIVATE_KEY, WireType.LengthDelimited).bytes(record.privateKey);
  if (record.signature.length > 0)
    writer.tag(SIGNATURE, WireType.LengthDelimited).bytes(record.signature);
  if (record.timestamp !== 0)
    writer.tag(TIMESTAMP, WireType.Bit64).fixed64(BigInt(record.timestamp));
  return writer.finish();
}

/** Decodes the structure; keys stay raw (native parses them only when asked, and so do we). */
export function decodeKeyRecord(bytes: Uint8Array, operation: string): KeyRecordStructure {
  const fields = ProtoFields.parse(bytes, operation);
  const empty = new Uint8Array(0);
  return {
    id: fields.uint32(ID) ?? 0,
    publicKey: fields.bytes(PUBLIC_KEY) ?? empty,
    privateKey: fields.bytes(PRIVATE_KEY) ?? empty,
    signature: fields.bytes(SIGNATURE) ?? empty,
    timestamp: Number(fields.fixed64(TIMESTAMP) ?? 0n),
  };
}
