/**
 * Seeded garbage for the "never crash on bad input" tests (test/unit/garbage-input.test.ts,
 * src/session/garbage.test.ts): a reproducible byte source and a mutator of valid encodings.
 * Runs in Node and Chromium (no Node built-ins; the environment is read only where it exists).
 */

/** xorshift32: small, seedable, good enough to choose bytes and positions. */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** The seed named `variable` in Node's environment, or a fresh one (always in Chromium). */
export function seedFromEnv(variable: string): number {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env;
  return Number(env?.[variable] ?? Date.now() % 1_000_000);
}

export interface GarbageShape {
  /** One draw in `randomOneIn` is random bytes instead of a mutation of the template. */
  readonly randomOneIn: number;
  /** Random inputs are shorter than this. */
  readonly maxRandomLength: number;
}

/**
 * Random bytes, or `template` with one to four bytes overwritten and, one time in four,
 * truncated. Without a template, always random bytes.
 */
export function garbage(
  next: () => number,
  template: Uint8Array | undefined,
  shape: GarbageShape,
): Uint8Array {
  if (template === undefined || next() % shape.randomOneIn === 0) {
    return Uint8Array.from({ length: next() % shape.maxRandomLength }, () => next() & 0xff);
  }
  const out = Uint8Array.from(template);
  const edits = 1 + (next() % 4);
  for (let i = 0; i < edits && out.length > 0; i++) out[next() % out.length] = next() & 0xff;
  return next() % 4 === 0 ? out.subarray(0, next() % (out.length + 1)) : out;
}
