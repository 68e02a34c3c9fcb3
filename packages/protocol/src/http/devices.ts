import { Type, type Static } from '@sinclair/typebox';
import { MAX_SEALED_DEVICE_NAME_BYTES, SECRET_PATTERN } from '../relay-limits.js';
import { Base64, DeviceId, DeviceIdParam, DeviceKeys } from './keys.js';

/** Linking, listing and removing the devices of one's own account (docs/relay-api.md, `/v1/devices`). */

const LinkTokenText = Type.String({ pattern: SECRET_PATTERN.source });

/** `POST /v1/devices/link-tokens`. */
export const LinkToken = Type.Object({ linkToken: LinkTokenText, expiresAt: Type.Integer() });
export type LinkTokenJson = Static<typeof LinkToken>;

/** `POST /v1/devices`. */
export const AddDeviceBody = Type.Object(
  { linkToken: LinkTokenText, device: DeviceKeys },
  { additionalProperties: false },
);
export type AddDeviceBodyJson = Static<typeof AddDeviceBody>;

/** One entry of `GET /v1/devices`. */
export const DeviceSummary = Type.Object({
  deviceId: DeviceId,
  /** The sealed name (base64), opaque to the relay; null when the device never named itself. */
  name: Type.Union([Type.String(), Type.Null()]),
  registrationId: Type.Integer(),
  createdAt: Type.Integer(),
  /** Start (UTC) of the last day the device connected; null before its first connection. */
  lastActiveAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type DeviceSummaryJson = Static<typeof DeviceSummary>;

export const DeviceList = Type.Object({ devices: Type.Array(DeviceSummary) });
export type DeviceListJson = Static<typeof DeviceList>;

export const DeviceParams = Type.Object({ deviceId: DeviceIdParam });

/** `PUT /v1/devices/:deviceId/name`: any device of the account renames any of its devices. */
export const RenameDeviceBody = Type.Object(
  { name: Base64(MAX_SEALED_DEVICE_NAME_BYTES) },
  { additionalProperties: false },
);
export type RenameDeviceBodyJson = Static<typeof RenameDeviceBody>;
