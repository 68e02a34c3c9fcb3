/**
 * `@parley/core/store`: the storage interfaces and row types, for a device whose conversations
 * live in a store of its own (the desktop's SQLCipher store, docs/decisions/0810), passed to
 * createMessenger's `store` option.
 */
export type * from './repositories.js';
export type * from './database.js';
export { ParleyDatabase } from './database.js';
export { UnitOfWork, type Durability } from './unit-of-work.js';
