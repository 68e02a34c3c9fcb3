/**
 * `@parley/protocol/wire`: the hand-written codec of the hot frames (decision 0151), shared by the
 * relay and the relay client. A separate entry because the encoder writes Node Buffers; browser
 * code (core, web) imports only the root entry and never pulls it in.
 */
export {
  AckTooLarge,
  decodeClientFrame,
  decodeServerFrame,
  type ClientFrame,
  type ServerFrame,
} from './frame-decoder.js';
export * from './frame-encoder.js';
