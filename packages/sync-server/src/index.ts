/**
 * @parley/sync-server: the relay. `startRelay` runs it in-process; `main.ts` is the bin.
 * The typed test/bench client is a separate entry: `@parley/sync-server/client`.
 */
export { startRelay, type Relay } from './relay.js';
export { loadConfig, defaultConfig, type RelayConfig } from './config.js';
