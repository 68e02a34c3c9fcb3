export { SignalMessage } from './signal-message.js';
export { PreKeySignalMessage } from './pre-key-signal-message.js';
