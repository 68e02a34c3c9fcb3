/**
 * A libsignal-client (native) SenderKeyStore for cross-engine tests: records kept serialized, as
 * signal-ts's in-memory store keeps them, and reachable as bytes so a test can hand a record from
 * one engine to the other. Node only (imports the native library).
 */
import * as native from '@signalapp/libsignal-client';

export class NativeSenderKeyStore extends native.SenderKeyStore {
  readonly records = new Map<string, Uint8Array<ArrayBuffer>>();

  static keyOf(sender: { toString(): string }, distributionId: string): string {
    return `${sender.toString()}/${distributionId}`;
  }

  async saveSenderKey(
    sender: native.ProtocolAddress,
    id: string,
    record: native.SenderKeyRecord,
  ): Promise<void> {
    this.records.set(NativeSenderKeyStore.keyOf(sender, id), record.serialize());
  }

  async getSenderKey(
    sender: native.ProtocolAddress,
    id: string,
  ): Promise<native.SenderKeyRecord | null> {
    const bytes = this.records.get(NativeSenderKeyStore.keyOf(sender, id));
    return bytes === undefined ? null : native.SenderKeyRecord.deserialize(bytes);
  }
}
