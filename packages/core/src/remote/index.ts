/**
 * `@parley/core/remote`: the messenger facade over a message port, for a renderer whose core runs
 * elsewhere (the desktop app's backend). Browser-safe: no Node or native imports.
 */
export * from './protocol.js';
export { createRemoteMessenger, BackendError, type RemoteMessenger } from './remote-messenger.js';
export { serveMessenger, parseRendererMessage, RemoteRequestError } from './serve-messenger.js';
export * from './desktop-bridge.js';
