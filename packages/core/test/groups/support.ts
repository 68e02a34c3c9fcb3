import type { IdentityKeyPair, SignalEngine } from '../../src/crypto/engine.js';
import {
  groupIdFor,
  signOp,
  type MembershipOp,
  type OpBody,
  type VerifyFn,
} from '../../src/groups/membership-op.js';
import { nextClock } from '../../src/groups/membership-fold.js';

/** Accounts with real identity keys, and the key directory a fold's `verify` resolves them in. */
export class Directory {
  readonly keys = new Map<string, IdentityKeyPair>();

  constructor(
    readonly engine: SignalEngine,
    accountIds: readonly string[],
  ) {
    for (const id of accountIds) this.keys.set(id, engine.IdentityKeyPair.generate());
  }

  readonly verify: VerifyFn = (accountId, message, signature) =>
    this.keys.get(accountId)?.publicKey.verify(message, signature) ?? false;

  sign(accountId: string): (message: Uint8Array<ArrayBuffer>) => Uint8Array {
    const key = this.keys.get(accountId);
    if (!key) throw new Error(`no key for ${accountId}`);
    return (message) => key.privateKey.sign(message);
  }

  /**
   * An op by `author` naming `parents` (clock derived from them), signed by the author's key.
   * `device` defaults to 1.
   */
  op(
    groupId: string,
    author: string,
    body: OpBody,
    parents: readonly MembershipOp[],
    device = 1,
  ): MembershipOp {
    return signOp(
      {
        ...body,
        groupId,
        author,
        authorDevice: device,
        clock: nextClock(parents),
        parents: parents.map((p) => p.id),
      },
      this.sign(author),
    );
  }

  /** A group created by `creator` with `members`: its id and genesis op. */
  create(
    creator: string,
    members: readonly string[],
    title = 'Group',
    nonce = '00112233445566778899aabbccddeeff',
  ): { groupId: string; genesis: MembershipOp } {
    const groupId = groupIdFor(creator, nonce);
    const genesis = this.op(groupId, creator, { kind: 'create', nonce, title, members }, []);
    return { groupId, genesis };
  }
}

export { Random } from '../support/random.js';
