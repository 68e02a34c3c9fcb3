/**
 * Just enough protobuf reading to locate a top-level field inside a serialized message, so that
 * tamper tests know which bytes libsignal leaves unauthenticated on purpose.
 */

/** Byte range [start, end) of each top-level field of `proto`, keyed by field number. */
export function fieldRanges(proto: Uint8Array): Map<number, { start: number; end: number }> {
  const ranges = new Map<number, { start: number; end: number }>();
  let offset = 0;
  const varint = (): number => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = proto[offset++];
      if (byte === undefined) throw new Error('truncated varint');
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  };
  while (offset < proto.length) {
    const start = offset;
    const key = varint();
    const wireType = key & 7;
    if (wireType === 0) varint();
    else if (wireType === 2) {
      const length = varint();
      offset += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
    ranges.set(key >>> 3, { start, end: offset });
  }
  return ranges;
}
