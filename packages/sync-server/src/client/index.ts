/** `@parley/sync-server/client`: the typed relay client used by tests, benchmarks and tools. */
export { RelayClient, RelayHttpError, basicAuthorization } from './relay-client.js';
export {
  RelaySocket,
  RelayRequestError,
  type OutgoingMessageInit,
  type SocketOptions,
} from './relay-socket.js';
export * from './random-keys.js';
export type * from './types.js';
