/**
 * Reads the small protobuf messages of keys, records and sender keys without code generation: a
 * message is parsed once into its fields, then read by field number. Writing uses
 * @bufbuild/protobuf's BinaryWriter directly (re-exported here).
 *
 * Decoding follows prost, which libsignal uses: unknown fields are skipped, the last occurrence of
 * a singular field wins, and a field with the wrong wire type or a truncated buffer is an error
 * (InvalidProtobufEncoding, "protobuf encoding was invalid", as native reports it).
 */
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { copyBytes, type Bytes } from '../bytes.js';
import { protocolError } from '../error.js';

type Field =
  | { wireType: WireType.Varint; value: bigint }
  | { wireType: WireType.Bit64; value: bigint }
  | { wireType: WireType.LengthDelimited; value: Uint8Array };

export { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

export class ProtoFields {
  readonly #fields = new Map<number, Field[]>();
  readonly #operation: string;

  private constructor(operation: string) {
    this.#operation = operation;
  }

  /** Parses `bytes`; `operation` names the caller in the error (like native's operation names). */
  static parse(bytes: Uint8Array, operation: string): ProtoFields {
    const fields = new ProtoFields(operation);
    try {
      const reader = new BinaryReader(bytes);
      while (reader.pos < reader.len) {
        const [fieldNo, wireType] = reader.tag();
        let field: Field | undefined;
        if (wireType === WireType.Varint) field = { wireType, value: BigInt(reader.uint64()) };
        else if (wireType === WireType.Bit64) field = { wireType, value: BigInt(reader.fixed64()) };
        else if (wireType === WireType.LengthDelimited) field = { wireType, value: reader.bytes() };
        else reader.skip(wireType, fieldNo);
        if (field !== undefined) {
          const list = fields.#fields.get(fieldNo) ?? [];
          list.push(field);
          fields.#fields.set(fieldNo, list);
        }
      }
    } catch {
      throw fields.#invalid();
    }
    return fields;
  }

  #invalid(): Error {
    return protocolError(
      'InvalidProtobufEncoding',
      this.#operation,
      'protobuf encoding was invalid',
    );
  }

  #last(fieldNo: number, wireType: WireType): Field | undefined {
    const list = this.#fields.get(fieldNo);
    if (list === undefined) return undefined;
    for (const field of list) if (field.wireType !== wireType) throw this.#invalid();
    return list[list.length - 1];
  }

  has(fieldNo: number): boolean {
    return this.#fields.has(fieldNo);
  }

  /** A bytes (or string, or embedded message) field; undefined when absent. */
  bytes(fieldNo: number): Bytes | undefined {
    const field = this.#last(fieldNo, WireType.LengthDelimited);
    return field === undefined ? undefined : copyBytes(field.value as Uint8Array);
  }

  /** Every occurrence of a repeated bytes / message field, in order. */
  repeatedBytes(fieldNo: number): Bytes[] {
    const list = this.#fields.get(fieldNo) ?? [];
    return list.map((field) => {
      if (field.wireType !== WireType.LengthDelimited) throw this.#invalid();
      return copyBytes(field.value);
    });
  }

  /** A uint32 field, truncated to 32 bits as prost does; undefined when absent. */
  uint32(fieldNo: number): number | undefined {
    const field = this.#last(fieldNo, WireType.Varint);
    return field === undefined ? undefined : Number(BigInt.asUintN(32, field.value as bigint));
  }

  /** A uint64 field; undefined when absent. */
  uint64(fieldNo: number): bigint | undefined {
    const field = this.#last(fieldNo, WireType.Varint);
    return field === undefined ? undefined : BigInt.asUintN(64, field.value as bigint);
  }

  /** A fixed64 field (record timestamps); undefined when absent. */
  fixed64(fieldNo: number): bigint | undefined {
    const field = this.#last(fieldNo, WireType.Bit64);
    return field === undefined ? undefined : (field.value as bigint);
  }

  /** A string field decoded as UTF-8 (invalid UTF-8 is an encoding error, as in prost). */
  string(fieldNo: number): string | undefined {
    const bytes = this.bytes(fieldNo);
    if (bytes === undefined) return undefined;
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw this.#invalid();
    }
  }
}
