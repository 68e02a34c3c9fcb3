/**
 * Protobuf writing for the session layer's messages and records: @bufbuild/protobuf's BinaryWriter
 * behind a fluent API that leaves out absent optional fields, so each encoder reads as the list of
 * its fields. (Reading uses the package's ProtoFields, ./reader.ts, with required.ts.)
 */
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import type { Bytes } from '../bytes.js';

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
