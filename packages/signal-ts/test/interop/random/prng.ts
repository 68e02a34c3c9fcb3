/**
 * A tiny seeded PRNG (SplitMix32-style: a Weyl sequence scrambled by two multiply-xorshift
 * rounds). Schedules only need reproducibility, not cryptographic quality: the same seed must
 * replay the same run, byte for byte, on any machine.
 */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform integer in [0, bound). */
  below(bound: number): number {
    return Math.floor((this.nextU32() / 2 ** 32) * bound);
  }

  chance(probability: number): boolean {
    return this.nextU32() / 2 ** 32 < probability;
  }

  /** Picks a key of `weights` with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][];
    let roll = this.below(entries.reduce((sum, [, weight]) => sum + weight, 0));
    for (const [key, weight] of entries) {
      if (roll < weight) return key;
      roll -= weight;
    }
    throw new Error('weights must not all be zero');
  }
}

/**
 * SEED from the environment (decimal or 0x hex) replays a run. Without it, the full interop run
 * explores with a fresh seed each time, while the short run inside `npm test` uses `fixedSeed`
 * so that CI is deterministic.
 */
export function seedFromEnvironment(fixedSeed: number | undefined): number {
  const fromEnv = process.env.SEED;
  if (fromEnv) {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new Error(`SEED must be an integer in [0, 2^32), got ${fromEnv}`);
    }
    return seed;
  }
  return fixedSeed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
}
