/**
 * @parley/signal-ts — the Signal protocol in TypeScript on @noble primitives, wire-compatible with
 * libsignal-client 0.103. Its public API mirrors libsignal-client's TypeScript API (same class and
 * function names and shapes) so that core can use either engine behind one interface.
 */
export * from './error.js';
export * from './address.js';
export * from './ciphertext-message.js';
export * from './curve/index.js';
export * from './kem/index.js';
export * from './records/index.js';
export * from './storage/index.js';
export * from './sender-keys/index.js';
export * from './fingerprint/index.js';
export * from './session/index.js';
