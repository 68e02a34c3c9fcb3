import { create, toBinary } from '@bufbuild/protobuf';
import { ErrorCode, RejectReason, SendResultSchema, type SendRequest } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type {
  DeviceRef,
  NewEntry,
  SendCallback,
  SendInput,
  SendOutcome,
  StoredEnvelope,
} from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import { encodeTimestampOnlySendResult } from '@parley/protocol/wire';
import { checkSendShape, resolveDestinations } from './send-checks.js';
import type { OnlineDevices } from './online-devices.js';

/** What wakes offline devices (WakeUps, src/push/). */
interface DeviceWaker {
  wake(deviceRowIds: Iterable<number>): void;
}

/** Sends and acks: validation, the durable write, and handing new entries to online devices. */
export class Mailboxes {
  constructor(
    private readonly store: RelayStore,
    private readonly online: OnlineDevices,
    private readonly metrics: RelayMetrics,
    /**
     * Web Push (src/push/): told which mailboxes got entries, it wakes the offline devices. It
     * reads the ids during the call and keeps none of them (the array is reused).
     */
    private readonly wakeUps?: DeviceWaker,
  ) {}

  /** The devices one delivery wakes: refilled per message instead of a new array each time. */
  private readonly woken: number[] = [];

  /** sendThen() as a promise, for callers off the hot path. */
  send(source: DeviceRef, request: SendRequest): Promise<SendOutcome> {
    return new Promise((resolve, reject) => {
      this.sendThen(source, request, (error, outcome) =>
        outcome ? resolve(outcome) : reject(error),
      );
    });
  }

  /**
   * Calls `done` once every entry is durably stored (with the encoded SendResult), or with the
   * error that refused the send. When the device sets are at hand (cached, or read synchronously
   * from SQLite) the send goes to the group commit in this turn, and a store that takes a
   * callback calls `done` straight from its commit: no promise per message (0154, 0155).
   */
  sendThen(source: DeviceRef, request: SendRequest, done: SendCallback): void {
    let entries: NewEntry[];
    try {
      const accountIds = checkSendShape(source, request);
      const sets = this.store.deviceSetsNow(accountIds);
      if (!sets) return this.sendAfterLoad(source, request, accountIds, false, done);
      try {
        entries = resolveDestinations(source, request, accountIds, sets);
      } catch (error) {
        if (!isMismatch(error)) throw error;
        return this.sendAfterLoad(source, request, accountIds, true, done);
      }
    } catch (error) {
      return done(error);
    }
    this.commit(source, request, entries, done);
  }

  /** The device sets were not at hand (or the cached ones disagreed): read them, then commit. */
  private sendAfterLoad(
    source: DeviceRef,
    request: SendRequest,
    accountIds: string[],
    cachedMismatch: boolean,
    done: SendCallback,
  ): void {
    this.loadEntries(source, request, accountIds, cachedMismatch).then(
      (entries) => this.commit(source, request, entries, done),
      done,
    );
  }

  private async loadEntries(
    source: DeviceRef,
    request: SendRequest,
    accountIds: string[],
    cachedMismatch: boolean,
  ): Promise<NewEntry[]> {
    if (!cachedMismatch) {
      try {
        return resolveDestinations(
          source,
          request,
          accountIds,
          await this.store.deviceSets(accountIds),
        );
      } catch (error) {
        if (!isMismatch(error)) throw error;
      }
    }
    // A device added or removed through another relay process may not have reached this
    // process's cache yet (Redis carries the invalidation): refuse only what the database says.
    return resolveDestinations(
      source,
      request,
      accountIds,
      await this.store.freshDeviceSets(accountIds),
    );
  }

  private commit(
    source: DeviceRef,
    request: SendRequest,
    entries: NewEntry[],
    done: SendCallback,
  ): void {
    const input: SendInput =
      request.ttlSeconds > 0
        ? { source, clientId: request.clientId, entries, ttlSeconds: request.ttlSeconds }
        : { source, clientId: request.clientId, entries };
    if (this.store.enqueueSend) {
      return this.store.enqueueSend(input, encodeSendResult, this.delivered, done);
    }
    this.store
      .commitSend(input, encodeSendResult, this.delivered)
      .then((outcome) => done(null, outcome), done);
  }

  /** After a send's commit, in commit order: metrics, pushes, wake-ups. */
  private readonly delivered = (outcome: SendOutcome): void => {
    this.metrics.envelopesIn.inc(outcome.stored.length);
    this.online.deliver(outcome.stored);
    if (this.wakeUps) this.wake(this.wakeUps, outcome.stored);
  };

  /** Wakes the destinations worth waking: copies to the sender's own devices wait for them to open. */
  private wake(wakeUps: DeviceWaker, stored: readonly StoredEnvelope[]): void {
    const rowIds = this.woken;
    let count = 0;
    for (const envelope of stored) {
      if (envelope.sourceAccountId !== envelope.destination.accountId) {
        rowIds[count++] = envelope.destination.rowId;
      }
    }
    if (count === 0) return;
    // Shortened in place, never emptied: `length = 0` frees the array's storage, and the next
    // message would allocate it again.
    rowIds.length = count;
    wakeUps.wake(rowIds);
  }

  acknowledge(device: DeviceRef, serverIds: readonly number[]): void {
    this.metrics.envelopesAcked.inc(serverIds.length);
    this.store.acknowledge(device, serverIds);
  }
}

function isMismatch(error: unknown): boolean {
  return error instanceof RelayError && error.code === ErrorCode.MISMATCHED_DEVICES;
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
