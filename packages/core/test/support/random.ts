/**
 * A seeded random source for randomized tests (as tldraw's RandomSource): the same seed replays
 * the same run. Tests print the seed when they fail; TEST_SEED=<n> runs that one seed.
 */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}

/** The seeds a randomized test runs: TEST_SEED alone when set, else `count` seeds from `base`. */
export function seeds(count: number, base = 1): number[] {
  const fixed = process.env.TEST_SEED;
  if (fixed !== undefined) return [Number(fixed)];
  return Array.from({ length: count }, (_, i) => base + i);
}
