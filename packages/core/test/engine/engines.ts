import * as SignalTs from '@parley/signal-ts';
import type { SignalEngine } from '../../src/crypto/engine.js';
import { nativeEngine } from '../../src/native.js';

// Compile-time proof that the browser engine implements the engine port unchanged, as
// src/native.ts proves it for libsignal-client.
const signalTsEngine: SignalEngine = SignalTs;

/**
 * Every engine the contract suite runs against. Adding an engine is one line here; the
 * contract tests (and the messenger integration tests that take `engines[0]`) are shared.
 */
export const engines: { name: string; engine: SignalEngine }[] = [
  { name: 'native', engine: nativeEngine },
  { name: 'signal-ts', engine: signalTsEngine },
];
