/**
 * `@parley/protocol/http`: the relay's HTTP API (docs/relay-api.md) as JSON schemas, one per body,
 * parameter set and answer. The relay hands them to Fastify; the `...Json` types beside them are
 * what clients send and receive (the root entry re-exports only the types, so browser bundles do
 * not carry the schemas).
 */
export * from './keys.js';
export * from './accounts.js';
export * from './devices.js';
export * from './account-lifecycle.js';
export * from './push.js';
export * from './calls.js';
export * from './provisioning.js';
export * from './profiles.js';
