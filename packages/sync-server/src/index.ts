/**
 * @parley/sync-server: the relay. `startRelay` runs it in-process; `main.ts` is the bin.
 * The typed test/bench client is a package of its own: `@parley/relay-client`.
 */
export { startRelay, type Relay } from './relay.js';
export { loadConfig, defaultConfig, type RelayConfig } from './config.js';
/** The stored form of device secrets, for tools that seed a relay database directly. */
export { generateSecret, hashSecret } from './auth/credentials.js';
export { turnCredential, type TurnCredential } from './calls/turn-credentials.js';
