/**
 * @parley/protocol: the wire schema shared by clients and the relay.
 * Generated code lives in src/gen (run `npm run generate` after editing proto/); the relay's
 * frames are described for humans in docs/relay-api.md.
 */
export * from './gen/parley/relay/v1/envelope_pb.js';
export * from './gen/parley/relay/v1/errors_pb.js';
export * from './gen/parley/relay/v1/frames_pb.js';
export * from './gen/parley/content/v1/content_pb.js';
export * from './relay-limits.js';
