/**
 * Browser-safe entry of @parley/core. It never imports libsignal-client: the native engine is the
 * separate entry `@parley/core/native`, injected through createMessenger's `engine` option.
 */
export { createMessenger, type MessengerOptions } from './facade/create-messenger.js';
export { ParleyError, MAX_TEXT_LENGTH, type ParleyErrorCode } from './errors.js';
export type * from './crypto/engine.js';
export type * from './facade/api.js';
export * from './media/index.js';
export * from './calls/index.js';
export { WorkerSearchBackend, type SearchBackend } from './search/index.js';
export type { WebSocketConstructor, WebSocketLike } from './transport/websocket.js';
export { GroupError, type GroupErrorCode, type IgnoreReason } from './groups/errors.js';
export { MAX_GROUP_MEMBERS } from './groups/limits.js';
export {
  MUTED_FOREVER,
  DEFAULT_ACCOUNT_SETTINGS,
  DEFAULT_CHAT_SETTINGS,
  MAX_CONTACT_NAME_LENGTH,
} from './account-settings/types.js';
/** The settings a change leads to, in memory (the web app's development fake keeps settings so). */
export { applyChange as applyAccountSettingsChange } from './account-settings/apply-change.js';
export { validateChange as validateAccountSettingsChange } from './account-settings/validate-change.js';
