/**
 * Minimal protobuf (proto2) field access over @bufbuild/protobuf's wire codec, for the engine's
 * hand-declared messages (wire messages and stored records). Only the two wire types these messages
 * use are accepted: varint (uint32/bool/enum) and length-delimited (bytes / nested messages). Any
 * malformed input raises ProtobufDecodeError, which callers turn into their own error kind.
 */
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { Bytes } from '../bytes.js';

export class ProtobufDecodeError extends Error {
  constructor(reason: string) {
    super(`invalid protobuf: ${reason}`);
    this.name = 'ProtobufDecodeError';
  }
}

type FieldValue = number | Bytes;

/** The decoded fields of one message; for a repeated field every occurrence is kept in order. */
export class ProtoFields {
  private constructor(private readonly fields: Map<number, FieldValue[]>) {}

  static decode(bytes: Uint8Array): ProtoFields {
    const fields = new Map<number, FieldValue[]>();
    try {
      const reader = new BinaryReader(bytes);
      while (reader.pos < reader.len) {
        const [fieldNo, wireType] = reader.tag();
        if (fieldNo <= 0) throw new ProtobufDecodeError('field number 0');
        const value = readValue(reader, wireType, fieldNo);
        if (value === undefined) continue;
        const list = fields.get(fieldNo);
        if (list === undefined) fields.set(fieldNo, [value]);
        else list.push(value);
      }
    } catch (error) {
      if (error instanceof ProtobufDecodeError) throw error;
      throw new ProtobufDecodeError('truncated or malformed');
    }
    return new ProtoFields(fields);
  }

  /** Last occurrence wins, as protobuf specifies for non-repeated fields. */
  uint32(fieldNo: number): number | undefined {
    const value = this.fields.get(fieldNo)?.at(-1);
    if (value === undefined) return undefined;
    if (typeof value !== 'number')
      throw new ProtobufDecodeError(`field ${fieldNo} is not a varint`);
    return value;
  }

  bytes(fieldNo: number): Bytes | undefined {
    const value = this.fields.get(fieldNo)?.at(-1);
    if (value === undefined) return undefined;
    if (typeof value === 'number') throw new ProtobufDecodeError(`field ${fieldNo} is not bytes`);
    return value;
  }

  repeatedBytes(fieldNo: number): Bytes[] {
    const values = this.fields.get(fieldNo) ?? [];
    return values.map((value) => {
      if (typeof value === 'number') throw new ProtobufDecodeError(`field ${fieldNo} is not bytes`);
      return value;
    });
  }

  requiredUint32(fieldNo: number): number {
    const value = this.uint32(fieldNo);
    if (value === undefined) throw new ProtobufDecodeError(`missing field ${fieldNo}`);
    return value;
  }

  requiredBytes(fieldNo: number): Bytes {
    const value = this.bytes(fieldNo);
    if (value === undefined) throw new ProtobufDecodeError(`missing field ${fieldNo}`);
    return value;
  }
}

function readValue(
  reader: BinaryReader,
  wireType: WireType,
  fieldNo: number,
): FieldValue | undefined {
  switch (wireType) {
    case WireType.Varint:
      return reader.uint32();
    case WireType.LengthDelimited:
      return reader.bytes().slice();
    default:
      // Unknown fields of other wire types are skipped, as protobuf requires of readers.
      reader.skip(wireType, fieldNo);
      return undefined;
  }
}

/** Fluent writer that leaves out absent optional fields. */
export class ProtoWriter {
  private readonly writer = new BinaryWriter();

  uint32(fieldNo: number, value: number | undefined): this {
    if (value !== undefined) this.writer.tag(fieldNo, WireType.Varint).uint32(value);
    return this;
  }

  bytes(fieldNo: number, value: Uint8Array | undefined): this {
    if (value !== undefined) this.writer.tag(fieldNo, WireType.LengthDelimited).bytes(value);
    return this;
  }

  finish(): Bytes {
    return this.writer.finish();
  }
}
