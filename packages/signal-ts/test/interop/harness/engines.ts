/**
 * The engines under test, each one a module namespace with libsignal-client's API: the native
 * addon itself and signal-ts. Parties built on one engine only ever hand bytes to the other, so a
 * pair (sender engine, receiver engine) exercises exactly the wire format.
 */
import * as NativeModule from '@signalapp/libsignal-client';
import * as TsModule from '../../../src/index.js';

/** libsignal-client's module namespace: the API both engines expose. */
export type SignalApi = typeof NativeModule;

export type EngineName = 'native' | 'ts';

export interface Engine {
  readonly name: EngineName;
  readonly api: SignalApi;
}

/** Raised when signal-ts does not export a libsignal name yet: the case fails, loudly, by name. */
export class NotImplementedInEngine extends Error {
  constructor(engine: EngineName, member: string) {
    super(
      `${engine} engine does not export '${member}' yet (libsignal-client API not implemented)`,
    );
    this.name = 'NotImplementedInEngine';
  }
}

/**
 * Wraps a module namespace so that reading a name it does not export throws at once with the
 * name, instead of a later "undefined is not a function" deep inside a test.
 */
function guarded(name: EngineName, module: object): SignalApi {
  return new Proxy(module, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !(property in target)) {
        throw new NotImplementedInEngine(name, property);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as SignalApi;
}

export const native: Engine = { name: 'native', api: guarded('native', NativeModule) };
export const ts: Engine = { name: 'ts', api: guarded('ts', TsModule) };

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
