/**
 * Browser-safe entry of @parley/core. It never imports libsignal-client: the native engine is the
 * separate entry `@parley/core/native`, injected through createMessenger's `engine` option.
 */
export { createMessenger, type MessengerOptions } from './messenger/create-messenger.js';
export { ParleyError, MAX_TEXT_LENGTH, type ParleyErrorCode } from './messenger/errors.js';
export type * from './crypto/engine.js';
export type * from './messenger/api.js';
export type { WebSocketConstructor, WebSocketLike } from './transport/websocket.js';
