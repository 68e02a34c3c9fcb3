/**
 * The engines under test, each one a module namespace with libsignal-client's API: the native
 * addon itself and signal-ts. Parties built on one engine only ever hand bytes to the other, so a
 * pair (sender engine, receiver engine) exercises exactly the wire format.
 */
import * as NativeModule from '@signalapp/libsignal-client';
import { guarded, ts, type Engine } from './engine.js';

export { ts, type Engine, type EngineName, type SignalApi } from './engine.js';

export const native: Engine = { name: 'native', api: guarded('native', NativeModule) };

export interface EnginePair {
  /** The party that starts the conversation (fetches the bundle, sends first). */
  readonly sender: Engine;
  /** The party whose bundle is used and who answers. */
  readonly receiver: Engine;
  readonly label: string;
}

function pair(sender: Engine, receiver: Engine): EnginePair {
  return { sender, receiver, label: `${sender.name}->${receiver.name}` };
}

/**
 * Every pair the suite runs. native->native is the control: it proves each case passes against
 * the reference and (through its tamper checks) can fail. ts->ts checks signal-ts against itself.
 */
export const ALL_PAIRS: readonly EnginePair[] = [
  pair(native, native),
  pair(ts, native),
  pair(native, ts),
  pair(ts, ts),
];

/** The two cross-engine directions only (for the costly cases). */
export const CROSS_PAIRS: readonly EnginePair[] = ALL_PAIRS.filter(
  (p) => p.sender.name !== p.receiver.name,
);

/**
 * `npm run test:interop` sets INTEROP_FULL=1 and runs every case on every pair. Inside
 * `npm test` (kept under three minutes) the costly cases run a reduced set of pairs: the one
 * where signal-ts receives, which is where the limits are enforced, or none at all.
 */
export const FULL_RUN = process.env.INTEROP_FULL === '1';

/** Pairs for a costly case: all of them in the full run, `quick` inside `npm test`. */
export function costlyCasePairs(quick: readonly EnginePair[]): readonly EnginePair[] {
  return FULL_RUN ? ALL_PAIRS : quick;
}

export const NATIVE_TO_TS: readonly EnginePair[] = [pair(native, ts)];
