import { create, toBinary } from '@bufbuild/protobuf';
import { ErrorCode, RejectReason, SendResultSchema, type SendRequest } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { DeviceRef, NewEntry, SendOutcome, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import { encodeTimestampOnlySendResult } from '@parley/protocol/wire';
import { checkSendShape, resolveDestinations, type NamedDevices } from './send-checks.js';
import type { OnlineDevices } from './online-devices.js';

/** Sends and acks: validation, the durable write, and handing new entries to online devices. */
export class Mailboxes {
  constructor(
    private readonly store: RelayStore,
    private readonly online: OnlineDevices,
    private readonly metrics: RelayMetrics,
    /** Web Push (src/push/): told which mailboxes got entries, it wakes the offline devices. */
    private readonly wakeUps?: { wake(deviceRowIds: Iterable<number>): void },
  ) {}

  /**
   * Resolves with the encoded SendResult once every entry is durably stored. When the device
   * sets are at hand (cached, or read synchronously from SQLite) the send goes to the group
   * commit in this turn, without a promise of its own: this runs once per message (0154).
   */
  send(source: DeviceRef, request: SendRequest): Promise<SendOutcome> {
    try {
      const named = checkSendShape(source, request);
      const accountIds = [...named.keys()];
      const sets = this.store.deviceSetsNow(accountIds);
      if (!sets) return this.sendAfterLoad(source, request, named, accountIds);
      let entries: NewEntry[];
      try {
        entries = resolveDestinations(source, request, named, sets);
      } catch (error) {
        if (!isMismatch(error)) throw error;
        return this.sendAfterLoad(source, request, named, accountIds, true);
      }
      return this.commit(source, request, entries);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The device sets were not at hand (or the cached ones disagreed): read them, then commit. */
  private async sendAfterLoad(
    source: DeviceRef,
    request: SendRequest,
    named: NamedDevices,
    accountIds: string[],
    cachedMismatch = false,
  ): Promise<SendOutcome> {
    let entries: NewEntry[] | undefined;
    if (!cachedMismatch) {
      try {
        entries = resolveDestinations(
          source,
          request,
          named,
          await this.store.deviceSets(accountIds),
        );
      } catch (error) {
        if (!isMismatch(error)) throw error;
      }
    }
    // A device added or removed through another relay process may not have reached this
    // process's cache yet (Redis carries the invalidation): refuse only what the database says.
    entries ??= resolveDestinations(
      source,
      request,
      named,
      await this.store.freshDeviceSets(accountIds),
    );
    return this.commit(source, request, entries);
  }

  private commit(
    source: DeviceRef,
    request: SendRequest,
    entries: NewEntry[],
  ): Promise<SendOutcome> {
    return this.store.commitSend(
      {
        source,
        clientId: request.clientId,
        entries,
        ...(request.ttlSeconds > 0 && { ttlSeconds: request.ttlSeconds }),
      },
      encodeSendResult,
      (outcome) => {
        this.metrics.envelopesIn.inc(outcome.stored.length);
        this.online.deliver(outcome.stored);
        if (this.wakeUps) this.wakeUps.wake(woken(outcome.stored));
      },
    );
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    this.metrics.envelopesAcked.inc(serverIds.length);
    this.store.acknowledge(device, serverIds);
  }
}

function isMismatch(error: unknown): boolean {
  return error instanceof RelayError && error.code === ErrorCode.MISMATCHED_DEVICES;
}

/** Destinations worth waking: copies to the sender's own devices wait for them to open. */
function* woken(stored: readonly StoredEnvelope[]): Iterable<number> {
  for (const envelope of stored) {
    if (envelope.sourceAccountId !== envelope.destination.accountId) {
      yield envelope.destination.rowId;
    }
  }
}

function encodeSendResult(serverTimestamp: number, rejected: DeviceRef[]): Uint8Array {
  // The usual answer (nothing rejected) is one varint field: skip reflective encoding.
  if (rejected.length === 0) return encodeTimestampOnlySendResult(serverTimestamp);
  return toBinary(
    SendResultSchema,
    create(SendResultSchema, {
      serverTimestamp: BigInt(serverTimestamp),
      rejected: rejected.map((device) => ({
        destination: { accountId: device.accountId, deviceId: device.deviceId },
        reason: RejectReason.MAILBOX_FULL,
      })),
    }),
  );
}
