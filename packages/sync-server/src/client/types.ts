/** JSON shapes of the relay's HTTP API (docs/relay-api.md), as the client sees them. */

export interface Credentials {
  accountId: string;
  deviceId: number;
  secret: string;
}

export interface PreKeyJson {
  keyId: number;
  publicKey: string;
}

export interface SignedPreKeyJson extends PreKeyJson {
  signature: string;
}

export interface DeviceKeysJson {
  registrationId: number;
  name?: string;
  signedPreKey: SignedPreKeyJson;
  lastResortKyberPreKey: SignedPreKeyJson;
  oneTimePreKeys?: PreKeyJson[];
  kyberOneTimePreKeys?: SignedPreKeyJson[];
}

export interface PreKeyUploadJson {
  signedPreKey?: SignedPreKeyJson;
  lastResortKyberPreKey?: SignedPreKeyJson;
  oneTimePreKeys?: PreKeyJson[];
  kyberOneTimePreKeys?: SignedPreKeyJson[];
}

export interface DeviceSummary {
  deviceId: number;
  name: string | null;
  registrationId: number;
  createdAt: number;
}

export interface BundleJson {
  deviceId: number;
  registrationId: number;
  signedPreKey: SignedPreKeyJson;
  preKey?: PreKeyJson;
  kyberPreKey: SignedPreKeyJson;
}

export interface Bundles {
  accountId: string;
  identityKey: string;
  devices: BundleJson[];
}

export interface PreKeyCounts {
  oneTimePreKeys: number;
  kyberOneTimePreKeys: number;
}
