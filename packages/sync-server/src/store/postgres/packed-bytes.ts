/**
 * Many byte strings as ONE bytea parameter plus where each one starts and how long it is
 * (decision 0164). `pg` sends a Buffer parameter as binary, but an array of Buffers (bytea[])
 * as text: every byte as two hex digits, then the whole array escaped again — for 200-byte
 * envelopes that was a string build, a UTF-8 write and garbage per message on the relay, and a
 * hex parse on the server. SQL takes each one back with `substring(bytes FROM start FOR length)`.
 */
export interface PackedBytes {
  /** Every string, one after another. */
  bytes: Buffer;
  /** 1-based position of each string in `bytes` (SQL's substring counts from 1). */
  starts: number[];
  lengths: number[];
}

export function packBytes(list: readonly Uint8Array[]): PackedBytes {
  const starts: number[] = new Array<number>(list.length);
  const lengths: number[] = new Array<number>(list.length);
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    starts[i] = total + 1;
    lengths[i] = list[i]!.byteLength;
    total += lengths[i]!;
  }
  return { bytes: Buffer.concat(list, total), starts, lengths };
}
