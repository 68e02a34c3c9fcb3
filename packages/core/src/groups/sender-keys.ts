/**
 * This device's sending side of sender keys (docs/decisions/0610-group-messaging.md).
 *
 * Per group, the device sends under one distribution id at a time. A distribution id names one
 * libsignal sender-key chain (kept in the SenderKeyStore, keyed by our address and the id); a
 * fresh id is a fresh chain, so ROTATION IS PICKING A NEW ID. Before a device's first group
 * message under an id, it gets that id's SenderKeyDistributionMessage over its 1:1 session.
 *
 * What is kept in memory only, on purpose: the current id per group and which devices got it. A
 * restart therefore rotates every group once (a new id, distributed again): that costs one 1:1
 * message per member device and never leaves a device without the key, where a persisted
 * "already distributed" set could be wrong after a crash between the send and its commit.
 */
import type { ProtocolAddress } from '../crypto/engine.js';
import { newDistributionId } from './distribution-id.js';

interface GroupSending {
  distributionId: string;
  /** `account.device` addresses that hold the current distribution. */
  distributedTo: Set<string>;
}

export class SenderKeys {
  private readonly groups = new Map<string, GroupSending>();
  /** Distribution id -> group, for answering SenderKeyRequests (old ids included). */
  private readonly groupOfDistribution = new Map<string, string>();

  /** The id this device sends `groupId`'s messages under now (a new one on first use). */
  current(groupId: string): string {
    let sending = this.groups.get(groupId);
    if (!sending) {
      // The id names the group to its members (distribution-id.ts), for placeholders.
      sending = { distributionId: newDistributionId(groupId), distributedTo: new Set() };
      this.groups.set(groupId, sending);
      this.groupOfDistribution.set(sending.distributionId, groupId);
    }
    return sending.distributionId;
  }

  /**
   * Starts a new chain for `groupId`: the next send distributes a new key to every member device.
   * Called when a member is removed or leaves, so that they cannot read what follows.
   */
  rotate(groupId: string): void {
    this.groups.delete(groupId);
  }

  /**
   * Rotates when a device that holds the current key is no longer among `destinations`: a member
   * removed or gone, or one device of a member unlinked (its account still in the group). Either
   * way that device must not read what follows, so the next send starts a new chain.
   */
  retireGoneHolders(groupId: string, destinations: readonly ProtocolAddress[]): void {
    const sending = this.groups.get(groupId);
    if (!sending || sending.distributedTo.size === 0) return;
    const current = new Set(destinations.map((d) => d.toString()));
    for (const holder of sending.distributedTo) {
      if (!current.has(holder)) {
        this.rotate(groupId);
        return;
      }
    }
  }

  /** The destinations that do not hold `groupId`'s current distribution yet. */
  missing(groupId: string, destinations: readonly ProtocolAddress[]): ProtocolAddress[] {
    const sending = this.groups.get(groupId);
    return destinations.filter((d) => !sending?.distributedTo.has(d.toString()));
  }

  /** The relay stored `distributionId`'s distribution for `destinations`. */
  distributed(
    groupId: string,
    distributionId: string,
    destinations: readonly ProtocolAddress[],
  ): void {
    const sending = this.groups.get(groupId);
    // Rotated meanwhile: the new chain still has to go to everybody.
    if (sending?.distributionId !== distributionId) return;
    for (const d of destinations) sending.distributedTo.add(d.toString());
  }

  /** A device asked again (it missed the distribution): it gets the key with the next send. */
  forget(groupId: string, address: string): void {
    this.groups.get(groupId)?.distributedTo.delete(address);
  }

  /** The group a distribution id of this device belongs to (any generation). */
  groupOf(distributionId: string): string | undefined {
    return this.groupOfDistribution.get(distributionId);
  }
}
