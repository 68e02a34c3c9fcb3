import { createRequire } from 'node:module';
import type * as SignalClient from '@signalapp/libsignal-client';
import type { SignalEngine } from '@parley/core';

// Compile-time proof that libsignal-client implements the engine port unchanged (as
// @parley/core/native's nativeEngine, which loads it on import).
type Implements<T extends SignalEngine> = T;
export type NativeEngine = Implements<typeof SignalClient>;

/**
 * libsignal-client as core's Signal engine, loaded the first time core uses it rather than when
 * the backend starts (docs/decisions/0811): its 27 MB native library and its modules took about
 * 15% of a cold start, and the chat list needs none of it. The relay connection's first
 * envelope or the first send loads it. Synchronous, as core's calls into the engine are:
 * `require` loads the package (an ES module) on Node >= 20.19 and in Electron.
 */
export function lazyNativeEngine(): SignalEngine {
  const require = createRequire(import.meta.url);
  let engine: NativeEngine | undefined;
  const load = () => (engine ??= require('@signalapp/libsignal-client') as NativeEngine);
  return new Proxy({} as SignalEngine, {
    get: (_target, name) => Reflect.get(load(), name) as unknown,
    has: (_target, name) => Reflect.has(load(), name),
  });
}
