/**
 * Browser-safe entry of @parley/core. It never imports libsignal-client: the native engine is the
 * separate entry `@parley/core/native`, injected through createMessenger's `engine` option.
 */
export { createMessenger, type MessengerOptions } from './facade/create-messenger.js';
export { TIMELINE_PAGE, WINDOW_PAGES } from './facade/live-views.js';
export { ParleyError, MAX_TEXT_LENGTH, type ParleyErrorCode } from './errors.js';
export type * from './crypto/engine.js';
export type * from './facade/api.js';
export * from './media/index.js';
export * from './calls/index.js';
// Not through search/index.js: that also names LocalSearchIndex, which the page never loads.
export { WorkerSearchBackend } from './search/worker-protocol.js';
export type {
  SearchBackend,
  SearchBackendContext,
  SearchBackendFactory,
} from './search/search-document.js';
export type { WebSocketConstructor, WebSocketLike } from './transport/websocket.js';
export { GroupError, type GroupErrorCode, type IgnoreReason } from './groups/errors.js';
export { MAX_GROUP_MEMBERS } from './groups/limits.js';
export {
  MAX_PROFILE_ABOUT_LENGTH,
  MAX_PROFILE_AVATAR_CHARS,
  MAX_PROFILE_NAME_LENGTH,
  PROFILE_AVATAR_PIXELS,
} from './profiles/limits.js';
export {
  MUTED_FOREVER,
  DEFAULT_ACCOUNT_SETTINGS,
  DEFAULT_CHAT_SETTINGS,
  MAX_CONTACT_NAME_LENGTH,
} from './account-settings/types.js';
/** The settings a change leads to, in memory (the web app's development fake keeps settings so). */
export { applyChangeToView as applyAccountSettingsChange } from './account-settings/view-change.js';
export type { LoadAutomerge, AutomergeApi } from './account-settings/automerge-loader.js';
export type { LoadProvisioning, ProvisioningKit } from './linking/device-linking.js';
export type { CallsKit, LoadCalls } from './calls/lazy-calls.js';
export { validateChange as validateAccountSettingsChange } from './account-settings/validate-change.js';
export * from './disappearing/index.js';
export {
  EDIT_WINDOW_MS,
  DELETE_FOR_EVERYONE_WINDOW_MS,
  MAX_EDITS_PER_MESSAGE,
  MAX_DEVICE_NAME_LENGTH,
} from '@parley/protocol';
