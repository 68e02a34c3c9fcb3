/**
 * The native Signal engine: `@signalapp/libsignal-client` itself, which satisfies SignalEngine as
 * it is. A separate package entry (`@parley/core/native`) because it is a native addon: the
 * browser entry must never load it.
 */
import * as Automerge from '@automerge/automerge';
import * as SignalClient from '@signalapp/libsignal-client';
import type { LoadAutomerge } from './account-settings/automerge-loader.js';
import type { SignalEngine } from './crypto/engine.js';

// Compile-time proof that libsignal-client implements the engine port unchanged.
const engine: SignalEngine = SignalClient;

export const nativeEngine: SignalEngine = engine;

/**
 * Automerge for the account document in Node (Electron's backend, tools, tests): the package's
 * node entry, which instantiates its wasm from the file on import.
 */
export const nodeAutomerge: LoadAutomerge = async () => Automerge;
