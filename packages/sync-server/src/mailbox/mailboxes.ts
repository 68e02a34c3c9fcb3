import { create, toBinary } from '@bufbuild/protobuf';
import { ErrorCode, RejectReason, SendResultSchema, type SendRequest } from '@parley/protocol';
import { RelayError } from '../errors.js';
import type { RelayMetrics } from '../ops/metrics.js';
import type { DeviceRef, NewEntry, SendOutcome, StoredEnvelope } from '../store/records.js';
import type { RelayStore } from '../store/relay-store.js';
import { encodeTimestampOnlySendResult } from '@parley/protocol/wire';
import { checkSendShape, resolveDestinations } from './send-checks.js';
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

  /** Resolves with the encoded SendResult once every entry is durably stored. */
  async send(source: DeviceRef, request: SendRequest): Promise<SendOutcome> {
    const named = checkSendShape(source, request);
    const accountIds = [...named.keys()];
    let entries: NewEntry[];
    try {
      entries = resolveDestinations(
        source,
        request,
        named,
        await this.store.deviceSets(accountIds),
      );
    } catch (error) {
      if (!(error instanceof RelayError) || error.code !== ErrorCode.MISMATCHED_DEVICES)
        throw error;
      // A device added or removed through another relay process may not have reached this
      // process's cache yet (Redis carries the invalidation): refuse only what the database says.
      const fresh = await this.store.freshDeviceSets(accountIds);
      entries = resolveDestinations(source, request, named, fresh);
    }
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
