import type { SignalEngine } from '../../src/crypto/engine.js';
import { nativeEngine } from '../../src/native.js';

/**
 * Every engine the contract suite runs against. Adding an engine is one line here; the
 * contract tests (and the messenger integration tests that take `engines[0]`) are shared.
 */
export const engines: { name: string; engine: SignalEngine }[] = [
  { name: 'native', engine: nativeEngine },
];
