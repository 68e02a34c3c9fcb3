import type { SignalEngine } from './engine.js';

/**
 * A Signal engine supplied as a lazy import (the web app, decision 0503): the first screen
 * renders from stored rows while the engine's code loads, and everything that encrypts,
 * decrypts, verifies or makes keys runs after `ready` (ParleyMessenger starts the rest of its
 * opening then). A use before is a bug in that ordering, and throws saying so.
 */
export function lateEngine(load: () => Promise<SignalEngine>): {
  engine: SignalEngine;
  ready: Promise<void>;
} {
  let loaded: SignalEngine | undefined;
  const ready = load().then((engine) => {
    loaded = engine;
  });
  const engine = new Proxy({} as SignalEngine, {
    get(_, member) {
      if (!loaded) throw new Error(`Signal engine used (${String(member)}) before it loaded`);
      return loaded[member as keyof SignalEngine];
    },
  });
  return { engine, ready };
}
