/**
 * `@parley/relay-client`: a small typed client of the relay for tests, benchmarks and tools (Node
 * only; apps talk to the relay through core's transport). It speaks only @parley/protocol.
 */
export { RelayClient, RelayHttpError, basicAuthorization } from './relay-client.js';
export {
  RelaySocket,
  RelayRequestError,
  type OutgoingMessageInit,
  type SocketOptions,
} from './relay-socket.js';
export * from './random-keys.js';
export type * from './types.js';
