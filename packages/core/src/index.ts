/** Browser-safe entry of @parley/core: never imports libsignal-client (see `./native`). */
export type * from './crypto/engine.js';
export type * from './messenger/api.js';
