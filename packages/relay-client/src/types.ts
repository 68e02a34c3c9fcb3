/**
 * The relay's HTTP JSON shapes under the names this client has always used; every shape is defined
 * once, in @parley/protocol (docs/relay-api.md).
 */
export type {
  DeviceBundleJson as BundleJson,
  DeviceCredentialsJson as Credentials,
  DeviceKeysJson,
  DeviceSummaryJson as DeviceSummary,
  KyberPreKeyJson,
  PreKeyCountsJson as PreKeyCounts,
  PreKeyJson,
  PreKeyResponseJson as Bundles,
  PreKeyUploadJson,
  SignedPreKeyJson,
} from '@parley/protocol';
