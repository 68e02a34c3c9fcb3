import type { Doc as AutomergeDoc, SyncState } from '@automerge/automerge/slim';
import type { AutomergeApi } from './automerge-loader.js';
import type { AccountDocument } from './document-shape.js';

type Doc = AutomergeDoc<AccountDocument>;

/**
 * Automerge sync states, one per other device of the account. Kept in memory only: after a
 * restart the first exchange with each device starts from its heads again, which costs one round
 * trip and never loses a change (the outbox delivers every message at least once).
 */
export class AccountSync {
  private readonly states = new Map<number, SyncState>();

  constructor(private readonly am: AutomergeApi) {}

  /** The message `deviceId` needs next, or undefined when it has everything. */
  next(doc: Doc, deviceId: number): Uint8Array | undefined {
    const [state, message] = this.am.generateSyncMessage(doc, this.state(deviceId));
    this.states.set(deviceId, state);
    return message ?? undefined;
  }

  /** Applies `message` from `deviceId`; returns the document with its changes. */
  receive(doc: Doc, deviceId: number, message: Uint8Array): Doc {
    const [next, state] = this.am.receiveSyncMessage(doc, this.state(deviceId), message);
    this.states.set(deviceId, state);
    return next;
  }

  /** A device that was (re)linked starts from nothing. */
  forget(deviceId: number): void {
    this.states.delete(deviceId);
  }

  private state(deviceId: number): SyncState {
    return this.states.get(deviceId) ?? this.am.initSyncState();
  }
}
