/**
 * A strict protobuf reader for the hand-decoded frames (frame-decoder.ts). It reads only the
 * canonical shapes it is asked for: anything it does not expect (an unknown field, a repeated
 * singular field, a varint past 2^53, invalid UTF-8, a truncated field) throws NotCanonical, and
 * the caller decodes the frame with protobuf-es instead, which then accepts or rejects it.
 */
export class NotCanonical extends Error {}

const LEN = 2;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class WireReader {
  pos: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** An unsigned varint as a number; past Number.MAX_SAFE_INTEGER: NotCanonical. */
  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new NotCanonical();
      const byte = this.bytes[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new NotCanonical(); // 8 bytes hold 56 bits: more is not a safe integer
  }

  /** A uint32 field's varint (protobuf-es would truncate a larger one: leave that to it). */
  uint32(): number {
    const value = this.varint();
    if (value > 0xffffffff) throw new NotCanonical();
    return value;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wireType: key & 7 };
  }

  /** A length-delimited field's body as a sub-reader, after checking its wire type. */
  message(wireType: number): WireReader {
    const end = this.lengthDelimited(wireType);
    const reader = new WireReader(this.bytes, this.pos, end);
    this.pos = end;
    return reader;
  }

  bytesField(wireType: number): Uint8Array {
    const end = this.lengthDelimited(wireType);
    const value = this.bytes.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  string(wireType: number): string {
    try {
      return utf8.decode(this.bytesField(wireType));
    } catch (error) {
      if (error instanceof NotCanonical) throw error;
      throw new NotCanonical(); // invalid UTF-8
    }
  }

  expectVarint(wireType: number): void {
    if (wireType !== 0) throw new NotCanonical();
  }

  private lengthDelimited(wireType: number): number {
    if (wireType !== LEN) throw new NotCanonical();
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new NotCanonical();
    return end;
  }
}

/** Throws NotCanonical when a singular field shows up a second time. */
export function once(seen: number, field: number): number {
  const bit = 1 << field;
  if (seen & bit) throw new NotCanonical();
  return seen | bit;
}
