/**
 * 1:1 sessions: the libsignal-client API surface for building sessions and encrypting /
 * decrypting with them, plus the wire message classes it consumes and produces.
 */
export { PreKeyBundle } from './pre-key-bundle.js';
export { SessionRecord } from './session-record.js';
export { processPreKeyBundle } from './session-builder.js';
export { signalEncrypt } from './encrypt.js';
export { signalDecrypt, signalDecryptPreKey } from './session-cipher.js';
export { PreKeySignalMessage, SignalMessage } from '../protocol-messages/index.js';
