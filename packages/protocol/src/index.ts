/**
 * @parley/protocol: the whole contract between clients and the relay, described for humans in
 * docs/relay-api.md. This entry runs in browsers and Node alike:
 * - the WebSocket frames and end-to-end Content (protobuf; generated code lives in src/gen, run
 *   `npm run generate` after editing proto/);
 * - every limit the relay enforces, the username rule, and the types of the HTTP JSON bodies.
 * Two more entries: `@parley/protocol/http` (the JSON schemas those types come from, for the
 * relay's edge) and `@parley/protocol/wire` (the hand-written codec of the hot frames, Node only).
 */
export * from './gen/parley/relay/v1/envelope_pb.js';
export * from './gen/parley/relay/v1/errors_pb.js';
export * from './gen/parley/relay/v1/frames_pb.js';
export * from './gen/parley/content/v1/content_pb.js';
export * from './gen/parley/history/v1/segment_pb.js';
export * from './client-id.js';
export * from './relay-limits.js';
export * from './rich-messages.js';
export * from './username.js';
export type {
  AddDeviceBodyJson,
  DeleteAccountBodyJson,
  DeviceBundleJson,
  DeviceCredentialsJson,
  DeviceKeysJson,
  DeviceListJson,
  DeviceSummaryJson,
  RenameDeviceBodyJson,
  IceServerJson,
  IceServersJson,
  KyberPreKeyJson,
  LinkTokenJson,
  PreKeyCountsJson,
  PreKeyJson,
  PreKeyResponseJson,
  PreKeyUploadJson,
  ProfileBodyJson,
  ProvisioningAddressJson,
  ProvisioningBodyJson,
  ProvisioningDeliveryJson,
  PushSubscriptionBodyJson,
  RegisterBodyJson,
  SignedPreKeyJson,
  UsernameLookupJson,
  VapidPublicKeyJson,
} from './http/index.js';
