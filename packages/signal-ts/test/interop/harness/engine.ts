/**
 * What an engine is for the tests: a module namespace with libsignal-client's API. This file is
 * browser-safe (it never loads the native addon): it defines the type, the guard, and the
 * signal-ts engine. engines.ts adds the native engine and the pairs, for Node.
 */
import type * as NativeModule from '@signalapp/libsignal-client';

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
export function guarded(name: EngineName, module: object): SignalApi {
  return new Proxy(module, {
    get(target, property, receiver) {
      if (typeof property === 'string' && !(property in target)) {
        throw new NotImplementedInEngine(name, property);
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  }) as SignalApi;
}

/**
 * signal-ts is loaded dynamically so that a broken build of it fails every ts case with the
 * reason, while the native control cases still run.
 */
async function loadTs(): Promise<object> {
  try {
    return await import('../../../src/index.js');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Proxy(
      {},
      {
        has: () => true,
        // Not a thenable: `await` must not trip over the stand-in.
        get: (_target, property) => {
          if (property === 'then') return undefined;
          throw new Error(`ts engine failed to load: ${reason}`);
        },
      },
    );
  }
}

export const ts: Engine = { name: 'ts', api: guarded('ts', await loadTs()) };
