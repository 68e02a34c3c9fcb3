import { SECRET_PATTERN, isValidUsername } from '@parley/protocol';
import { ParleyError } from '../errors.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';

/**
 * What the existing device seals to the new one: the account's identity and a one-time
 * registration code (a relay link token) with which the new device registers itself. JSON inside
 * the sealed box; every field is checked on arrival, since a sealed message proves only who could
 * seal it to this key, not that the sender's software was right.
 */
export interface ProvisioningMessage {
  accountId: string;
  username: string;
  /** The account's identity key pair, serialized as libsignal does. Secret. */
  identityKeyPair: Uint8Array<ArrayBuffer>;
  /** A relay link token: POST /v1/devices accepts it once, within LINK_TOKEN_TTL_MS. */
  registrationCode: string;
  /** The device that linked this one (history comes from it). */
  linkedByDeviceId: number;
}

interface Wire {
  v: 1;
  accountId: string;
  username: string;
  identityKeyPair: string;
  registrationCode: string;
  linkedByDeviceId: number;
}

export function encodeProvisioningMessage(message: ProvisioningMessage): Uint8Array {
  const wire: Wire = {
    v: 1,
    accountId: message.accountId,
    username: message.username,
    identityKeyPair: toBase64(message.identityKeyPair),
    registrationCode: message.registrationCode,
    linkedByDeviceId: message.linkedByDeviceId,
  };
  return new TextEncoder().encode(JSON.stringify(wire));
}

export function decodeProvisioningMessage(bytes: Uint8Array): ProvisioningMessage {
  let wire: Partial<Wire>;
  try {
    wire = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Partial<Wire>;
  } catch (error) {
    throw malformed('the provisioning message is not JSON', error);
  }
  const valid =
    wire.v === 1 &&
    typeof wire.accountId === 'string' &&
    wire.accountId.length > 0 &&
    wire.accountId.length <= 64 &&
    typeof wire.username === 'string' &&
    isValidUsername(wire.username) &&
    typeof wire.identityKeyPair === 'string' &&
    typeof wire.registrationCode === 'string' &&
    SECRET_PATTERN.test(wire.registrationCode) &&
    Number.isInteger(wire.linkedByDeviceId) &&
    (wire.linkedByDeviceId ?? 0) > 0;
  if (!valid) throw malformed('the provisioning message lacks a field or has a bad one');
  return {
    accountId: wire.accountId!,
    username: wire.username!,
    identityKeyPair: fromBase64(wire.identityKeyPair!),
    registrationCode: wire.registrationCode!,
    linkedByDeviceId: wire.linkedByDeviceId!,
  };
}

function malformed(message: string, cause?: unknown): ParleyError {
  return new ParleyError('LINK_TAMPERED', message, cause === undefined ? undefined : { cause });
}
