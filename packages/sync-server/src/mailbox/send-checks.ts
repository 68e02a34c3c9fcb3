import {
  EnvelopeType,
  ErrorCode,
  MAX_CLIENT_ID_LENGTH,
  MAX_CONTENT_BYTES,
  MAX_DESTINATIONS_PER_SEND,
  MAX_SEND_TTL_SECONDS,
  type MismatchedDevices,
  type OutgoingMessage,
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

/**
 * Up to this many destinations, duplicates and the accounts named are found by scanning the
 * messages: for the usual send (a few devices of one or two accounts) that saves a Map and a
 * Set (342 bytes per send). Larger sends hash.
 */
const SCAN_LIMIT = 8;

/**
 * Checks a SendRequest against the caps and rules of docs/relay-api.md ("Sending") and returns
 * the accounts it names, each once, in the order first named.
 */
export function checkSendShape(source: DeviceRef, request: SendRequest): string[] {
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
  return messages.length <= SCAN_LIMIT
    ? scanNamedAccounts(source, messages)
    : [...namedDevices(messages, source).keys()];
}

function checkMessage(source: DeviceRef, message: OutgoingMessage): void {
  const destination = message.destination;
  if (!destination || destination.accountId === '' || destination.deviceId < 1) {
    throw malformed('every message needs a destination account and device');
  }
  if (!knownTypes.has(message.type)) throw malformed('unknown envelope type');
  if (message.content.length === 0) throw malformed('empty content');
  if (message.content.length > MAX_CONTENT_BYTES) {
    throw new RelayError(ErrorCode.TOO_LARGE, `content is larger than ${MAX_CONTENT_BYTES} bytes`);
  }
  if (destination.accountId === source.accountId && destination.deviceId === source.deviceId) {
    throw malformed('a device does not send to itself');
  }
}

/**
 * The accounts named, each once, by scanning a few messages. Each message is checked, then
 * compared with those before it: the first fault in message order is the one reported.
 */
function scanNamedAccounts(source: DeviceRef, messages: readonly OutgoingMessage[]): string[] {
  checkMessage(source, messages[0]!);
  // Fits the one-account send exactly (a push onto [] reserves sixteen slots).
  const accountIds = [messages[0]!.destination!.accountId];
  for (let i = 1; i < messages.length; i++) {
    checkMessage(source, messages[i]!);
    const { accountId, deviceId } = messages[i]!.destination!;
    let named = false;
    for (let j = 0; j < i; j++) {
      const earlier = messages[j]!.destination!;
      if (earlier.accountId !== accountId) continue;
      if (earlier.deviceId === deviceId) throw duplicateDestination();
      named = true;
    }
    if (!named) accountIds.push(accountId);
  }
  return accountIds;
}

/**
 * The devices named per account; throws if one is named twice. Given the sending device, each
 * message is checked first (as scanNamedAccounts does); without it, they were checked before.
 */
function namedDevices(
  messages: readonly OutgoingMessage[],
  source?: DeviceRef,
): Map<string, Set<number>> {
  const accounts = new Map<string, Set<number>>();
  for (const message of messages) {
    if (source) checkMessage(source, message);
    const { accountId, deviceId } = message.destination!;
    let devices = accounts.get(accountId);
    if (!devices) accounts.set(accountId, (devices = new Set()));
    if (devices.has(deviceId)) throw duplicateDestination();
    devices.add(deviceId);
  }
  return accounts;
}

const duplicateDestination = () => malformed('a destination is named twice');

/**
 * The device-set check: each named account must be addressed on exactly its current devices
 * (the sender's own account: all but the sending device). Returns one entry per destination.
 * `accountIds` is what checkSendShape returned for this request: every account it names, once.
 */
export function resolveDestinations(
  source: DeviceRef,
  request: SendRequest,
  accountIds: readonly string[],
  deviceSets: ReadonlyMap<string, ReadonlyMap<number, DeviceRef>>,
): NewEntry[] {
  let unknownAccounts: string[] | undefined; // no array for the usual send
  for (const accountId of accountIds) {
    if (!deviceSets.has(accountId)) (unknownAccounts ??= []).push(accountId);
  }
  if (unknownAccounts) {
    throw new RelayError(ErrorCode.NOT_FOUND, 'unknown destination accounts', { unknownAccounts });
  }
  const { messages } = request;
  // Sized to fit (a push onto [] reserves sixteen slots); a hole left by an unknown device
  // never escapes: the send is refused below.
  const entries = new Array<NewEntry>(messages.length);
  let unknownDevices = false;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const { accountId, deviceId } = message.destination!;
    const destination = deviceSets.get(accountId)!.get(deviceId);
    if (destination) entries[i] = { destination, type: message.type, content: message.content };
    else unknownDevices = true;
  }
  // When every named device exists, each account's named devices (distinct, never the sender)
  // are a subset of those it must name: all of them are named exactly when the counts add up.
  let expected = 0;
  for (const accountId of accountIds) {
    expected += expectedDevices(source, accountId, deviceSets.get(accountId)!);
  }
  if (unknownDevices || messages.length !== expected) {
    throw mismatchedDevices(source, namedDevices(messages), deviceSets);
  }
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
  named: ReadonlyMap<string, ReadonlySet<number>>,
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
