import {
  EnvelopeType,
  ErrorCode,
  MAX_CLIENT_ID_LENGTH,
  MAX_CONTENT_BYTES,
  MAX_DESTINATIONS_PER_SEND,
  MAX_SEND_TTL_SECONDS,
  type MismatchedDevices,
  type SendRequest,
} from '@parley/protocol';
import { create } from '@bufbuild/protobuf';
import { MismatchedDevicesSchema } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { DeviceRef, NewEntry } from '../store/records.js';

const knownTypes = new Set<number>([
  EnvelopeType.PREKEY_MESSAGE,
  EnvelopeType.SIGNAL_MESSAGE,
  EnvelopeType.SENDER_KEY_MESSAGE,
  EnvelopeType.PLAINTEXT_CONTENT,
]);

const malformed = (message: string) => new RelayError(ErrorCode.MALFORMED, message);

/** The devices a send names, per destination account. */
export type NamedDevices = ReadonlyMap<string, ReadonlySet<number>>;

/**
 * Checks a SendRequest against the caps and rules of docs/relay-api.md ("Sending") and returns
 * the devices it names per destination account.
 */
export function checkSendShape(source: DeviceRef, request: SendRequest): NamedDevices {
  const { clientId, messages } = request;
  if (clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw malformed(`client_id must be 1 to ${MAX_CLIENT_ID_LENGTH} characters`);
  }
  // 0 is proto3's absent value: no time to live. A longer one is not a short-lived signal.
  if (request.ttlSeconds > MAX_SEND_TTL_SECONDS) {
    throw malformed(`ttl_seconds must be 1 to ${MAX_SEND_TTL_SECONDS} (or 0 for none)`);
  }
  if (messages.length === 0) throw malformed('a send needs at least one destination');
  if (messages.length > MAX_DESTINATIONS_PER_SEND) {
    throw new RelayError(ErrorCode.TOO_LARGE, `at most ${MAX_DESTINATIONS_PER_SEND} destinations`);
  }
  const accounts = new Map<string, Set<number>>();
  for (const message of messages) {
    const destination = message.destination;
    if (!destination || destination.accountId === '' || destination.deviceId < 1) {
      throw malformed('every message needs a destination account and device');
    }
    if (!knownTypes.has(message.type)) throw malformed('unknown envelope type');
    if (message.content.length === 0) throw malformed('empty content');
    if (message.content.length > MAX_CONTENT_BYTES) {
      throw new RelayError(
        ErrorCode.TOO_LARGE,
        `content is larger than ${MAX_CONTENT_BYTES} bytes`,
      );
    }
    if (destination.accountId === source.accountId && destination.deviceId === source.deviceId) {
      throw malformed('a device does not send to itself');
    }
    let devices = accounts.get(destination.accountId);
    if (!devices) accounts.set(destination.accountId, (devices = new Set()));
    if (devices.has(destination.deviceId)) throw malformed('a destination is named twice');
    devices.add(destination.deviceId);
  }
  return accounts;
}

/**
 * The device-set check: each named account must be addressed on exactly its current devices
 * (the sender's own account: all but the sending device). Returns one entry per destination.
 */
export function resolveDestinations(
  source: DeviceRef,
  request: SendRequest,
  named: NamedDevices,
  deviceSets: ReadonlyMap<string, ReadonlyMap<number, DeviceRef>>,
): NewEntry[] {
  let unknownAccounts: string[] | undefined; // no array for the usual send
  for (const accountId of named.keys()) {
    if (!deviceSets.has(accountId)) (unknownAccounts ??= []).push(accountId);
  }
  if (unknownAccounts) {
    throw new RelayError(ErrorCode.NOT_FOUND, 'unknown destination accounts', { unknownAccounts });
  }
  const entries: NewEntry[] = [];
  let unknownDevices = false;
  for (const message of request.messages) {
    const { accountId, deviceId } = message.destination!;
    const destination = deviceSets.get(accountId)!.get(deviceId);
    if (destination) entries.push({ destination, type: message.type, content: message.content });
    else unknownDevices = true;
  }
  // Every named device exists; then the sets are equal exactly when their sizes are.
  let complete = !unknownDevices;
  for (const [accountId, devices] of named) {
    if (!complete) break;
    complete = devices.size === expectedDevices(source, accountId, deviceSets.get(accountId)!);
  }
  if (!complete) throw mismatchedDevices(source, named, deviceSets);
  return entries;
}

/** How many devices a send must name for an account: all of them, less the sending device. */
function expectedDevices(
  source: DeviceRef,
  accountId: string,
  devices: ReadonlyMap<number, DeviceRef>,
): number {
  const sendsToOwnAccount = accountId === source.accountId && devices.has(source.deviceId);
  return devices.size - (sendsToOwnAccount ? 1 : 0);
}

/** The MISMATCHED_DEVICES error: per account, the devices missing and those that do not exist. */
function mismatchedDevices(
  source: DeviceRef,
  named: NamedDevices,
  deviceSets: ReadonlyMap<string, ReadonlyMap<number, DeviceRef>>,
): RelayError {
  const mismatched: MismatchedDevices[] = [];
  for (const [accountId, devices] of named) {
    const current = deviceSets.get(accountId)!;
    const missing = [...current.keys()].filter(
      (id) => !devices.has(id) && !(accountId === source.accountId && id === source.deviceId),
    );
    const extraDevices = [...devices].filter((id) => !current.has(id));
    if (missing.length > 0 || extraDevices.length > 0) {
      mismatched.push(
        create(MismatchedDevicesSchema, {
          accountId,
          missingDevices: missing.sort((a, b) => a - b),
          extraDevices: extraDevices.sort((a, b) => a - b),
        }),
      );
    }
  }
  return new RelayError(ErrorCode.MISMATCHED_DEVICES, 'destinations differ from current devices', {
    mismatchedDevices: mismatched,
  });
}
