/**
 * Required-field access on a parsed protobuf (proto2 `optional` fields the protocol cannot do
 * without). A missing field is InvalidProtobufEncoding, as prost-based native code reports it.
 */
import type { Bytes } from '../bytes.js';
import { protocolError } from '../error.js';
import type { ProtoFields } from './reader.js';

export function requiredBytes(fields: ProtoFields, fieldNo: number, operation: string): Bytes {
  const value = fields.bytes(fieldNo);
  if (value === undefined) throw missing(fieldNo, operation);
  return value;
}

export function requiredUint32(fields: ProtoFields, fieldNo: number, operation: string): number {
  const value = fields.uint32(fieldNo);
  if (value === undefined) throw missing(fieldNo, operation);
  return value;
}

function missing(fieldNo: number, operation: string): Error {
  return protocolError('InvalidProtobufEncoding', operation, `missing protobuf field ${fieldNo}`);
}
