/**
 * Byte-array helpers shared by every concept of the engine (internal; not re-exported).
 *
 * libsignal-client 0.103 types its bytes as `Uint8Array<ArrayBuffer>`; returning the same type keeps
 * the two engines interchangeable for callers that store or forward what they get.
 */

/** libsignal's byte type: a Uint8Array backed by a plain ArrayBuffer. */
export type Bytes = Uint8Array<ArrayBuffer>;

/** Concatenates byte arrays into a fresh ArrayBuffer-backed array. */
export function concatBytes(...parts: readonly Uint8Array[]): Bytes {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A copy on a fresh ArrayBuffer (so callers can never alias our internal state). */
export function copyBytes(bytes: Uint8Array): Bytes {
  return new Uint8Array(bytes);
}

/**
 * Equality whose running time depends only on the lengths, never on where the arrays differ:
 * used for MACs and other secrets so a forger learns nothing from timing.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** `length` bytes from the platform CSPRNG (crypto.getRandomValues, present in Node and browsers). */
export function randomBytes(length: number): Bytes {
  const out = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let offset = 0; offset < length; offset += 65_536) {
    crypto.getRandomValues(out.subarray(offset, Math.min(length, offset + 65_536)));
  }
  return out;
}
