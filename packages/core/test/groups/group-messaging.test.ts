import { describe, expect, it } from 'vitest';
import { EnvelopeType } from '@parley/protocol';
import { decodeClientFrame, decodeServerFrame } from '@parley/protocol/wire';
import * as Y from 'yjs';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import { membershipArray } from '../../src/groups/membership-log.js';
import { signOp } from '../../src/groups/membership-op.js';
import { GroupError } from '../../src/index.js';
import type { Messenger } from '../../src/facade/api.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { SignalStores } from '../../src/store/signal-stores.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { find, texts, waitFor } from '../support/wait.js';

const engine = engines[0]!.engine;

/** Sender-key ciphertexts a device sent, by destination account. */
interface Captured {
  senderKey: Array<{ to: string; content: Uint8Array }>;
}

function capturing(): { WebSocket: ReturnType<typeof interceptingWebSocket>; captured: Captured } {
  const captured: Captured = { senderKey: [] };
  const WebSocket = interceptingWebSocket(
    (data) => data,
    (data) => {
      const frame = decodeClientFrame(data);
      if (frame.case !== 'send') return;
      for (const message of frame.send.messages) {
        if (message.type === EnvelopeType.SENDER_KEY_MESSAGE)
          captured.senderKey.push({
            to: message.destination?.accountId ?? '',
            content: message.content,
          });
      }
    },
  );
  return { WebSocket, captured };
}

/** The Signal stores of a device's database, opened beside its (still open) messenger. */
async function storesOf(databaseName: string): Promise<SignalStores> {
  const db = new ParleyDatabase(databaseName);
  await db.open();
  const stores = new SignalStores(db, engine);
  await stores.load();
  return stores;
}

describe('group messaging through the real relay', () => {
  const fx = useRelay();

  async function registered(prefix: string, databaseName?: string): Promise<[Messenger, string]> {
    const messenger = await fx.messenger(databaseName);
    const name = uniqueUsername(prefix);
    await messenger.register(name);
    return [messenger, name];
  }

  it('creates a group, fans one sender-key ciphertext out, and a removed member cannot decrypt what follows', async () => {
    const { WebSocket, captured } = capturing();
    const alice = await fx.messenger(undefined, WebSocket);
    const aliceName = uniqueUsername('alice');
    await alice.register(aliceName);
    const [bob, bobName] = await registered('bob');
    const carolDb = `carol-${crypto.randomUUID()}`;
    const [carol, carolName] = await registered('carol', carolDb);

    const group = await alice.createGroup('Climbing', [bobName, carolName]);
    const hello = fx.text('hello group');
    const helloId = await alice.sendText(group, hello);
    for (const m of [bob, carol])
      await waitFor(() => texts(m, group).includes(hello), 'members receive the first message');
    expect(bob.groupInfo(group)).toMatchObject({
      title: 'Climbing',
      isMember: true,
      isAdmin: false,
    });
    expect(
      bob
        .groupInfo(group)
        ?.members.map((m) => m.username)
        .sort(),
    ).toEqual([aliceName, bobName, carolName].sort());
    expect(carol.conversations().getSnapshot()[0]).toMatchObject({
      id: group,
      kind: 'group',
      title: 'Climbing',
      memberCount: 3,
    });

    // Encrypted once: every destination of the message got the same bytes.
    const bodies = new Set(captured.senderKey.map((c) => Buffer.from(c.content).toString('hex')));
    expect(captured.senderKey.length).toBeGreaterThanOrEqual(2);
    expect(bodies.size).toBeLessThan(captured.senderKey.length);

    // Per-member receipts: read only once both have read. Alice is a stranger to Bob and Carol,
    // so her group is a request (requests/) and holds their read receipts until they join.
    await waitFor(() => find(alice, group, helloId)?.status === 'delivered', 'delivered');
    for (const m of [bob, carol]) await m.acceptMessageRequest(group);
    await bob.markRead(group, helloId);
    await waitFor(
      () => alice.messageInfo(group, helloId).read.length === 1,
      'bob read receipt at alice',
    );
    expect(find(alice, group, helloId)?.status).toBe('delivered');
    expect(alice.messageInfo(group, helloId).unread).toEqual([carolName]);
    await carol.markRead(group, helloId);
    await waitFor(() => find(alice, group, helloId)?.status === 'read', 'read by all');
    expect(
      alice
        .messageInfo(group, helloId)
        .read.map((r) => r.username)
        .sort(),
    ).toEqual([bobName, carolName].sort());

    // Bob replies: his own sender key reaches Alice and Carol.
    const reply = fx.text('bob replies');
    await bob.sendText(group, reply);
    for (const m of [alice, carol]) await waitFor(() => texts(m, group).includes(reply), 'reply');

    // Alice removes Carol. Carol learns it over 1:1; everybody rotates before sending again.
    await alice.removeGroupMember(group, carolName);
    await waitFor(() => carol.groupInfo(group)?.former === 'removed', 'carol learns removal');
    await waitFor(() => bob.groupInfo(group)?.members.length === 2, 'bob sees removal');
    await expect(carol.sendText(group, 'still here?')).rejects.toBeInstanceOf(GroupError);
    const lines = (m: Messenger) =>
      m
        .messages(group)
        .getSnapshot()
        .filter((v) => v.kind === 'system')
        .map((v) => v.body);
    expect(lines(carol)).toEqual([
      `${aliceName} created the group "Climbing"`,
      `${aliceName} removed you`,
    ]);
    expect(lines(alice)).toEqual(['You created the group "Climbing"', `You removed ${carolName}`]);

    captured.senderKey.length = 0;
    const secret = fx.text('after carol left');
    await alice.sendText(group, secret);
    await waitFor(() => texts(bob, group).includes(secret), 'bob receives after removal');
    const afterRemoval = captured.senderKey.find((c) => c.to !== '');
    expect(afterRemoval).toBeDefined();
    expect(captured.senderKey.every((c) => c.to !== carol.self.getSnapshot()?.accountId)).toBe(
      true,
    );

    // The ENGINE refuses: Carol's stored sender keys do not decrypt the post-removal ciphertext.
    await carol.settled();
    const carolStores = await storesOf(carolDb);
    const from = engine.ProtocolAddress.new(alice.self.getSnapshot()!.accountId, 1);
    const carolError = await engine
      .groupDecrypt(from, carolStores, afterRemoval!.content as Uint8Array<ArrayBuffer>)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(carolError).toBeDefined();
    expect((carolError as { code?: number }).code).not.toBe(engine.ErrorCode.DuplicatedMessage);
    expect(texts(carol, group)).not.toContain(secret);
    // Control: the same call with Bob's stores finds the chain (already used: a duplicate).
    // Tampering is detected too.
    const tampered = afterRemoval!.content.slice() as Uint8Array<ArrayBuffer>;
    tampered[tampered.length - 10]! ^= 1;
    await expect(engine.groupDecrypt(from, carolStores, tampered)).rejects.toBeDefined();
  });

  it("ignores a non-admin's add on every device", async () => {
    const [alice] = await registered('alice');
    const [bob, bobName] = await registered('bob');
    const [, daveName] = await registered('dave');
    const group = await alice.createGroup('Admins only', [bobName]);
    await waitFor(() => bob.groupInfo(group)?.isMember, 'bob joins');
    await expect(bob.addGroupMembers(group, [daveName])).rejects.toMatchObject({
      code: 'rejected-op',
      reason: 'not-an-admin',
    });
    const marker = fx.text('marker');
    await bob.sendText(group, marker);
    await waitFor(() => texts(alice, group).includes(marker), 'alice gets bob');
    expect(alice.groupInfo(group)?.members).toHaveLength(2);
    expect(bob.groupInfo(group)?.members).toHaveLength(2);
  });

  it('recovers a missed sender-key distribution: asks again, then syncs what it missed', async () => {
    const [alice, aliceName] = await registered('alice');
    // Bob's socket drops the next 1:1 envelope from Alice once armed: the sender key.
    let armed = false;
    let dropped = 0;
    const WebSocket = interceptingWebSocket((data) => {
      if (!armed) return data;
      const frame = decodeServerFrame(data);
      if (frame.case === 'envelope' && frame.envelope.type === EnvelopeType.SIGNAL_MESSAGE) {
        armed = false;
        dropped++;
        return undefined;
      }
      return data;
    });
    const bob = await fx.messenger(undefined, WebSocket);
    const bobName = uniqueUsername('bob');
    await bob.register(bobName);
    // A 1:1 exchange first, so the distribution travels as a SIGNAL_MESSAGE.
    const direct = await bob.openDirectConversation(aliceName);
    await fx.warmUp(bob, alice, direct);
    await fx.warmUp(alice, bob, direct);

    const failures: string[] = [];
    bob.on((event) => {
      if (event.type === 'decrypt-failed') failures.push(event.reason);
    });
    armed = true;
    const group = await alice.createGroup('Lossy', [bobName]);
    const first = fx.text('first in lossy group');
    await alice.sendText(group, first);
    await waitFor(() => texts(bob, group).includes(first), 'bob recovers the group');
    expect(dropped).toBe(1);
    expect(failures.length).toBeGreaterThan(0);
    expect(bob.groupInfo(group)).toMatchObject({ title: 'Lossy', isMember: true });
    const later = fx.text('later');
    await alice.sendText(group, later);
    await waitFor(() => texts(bob, group).includes(later), 'later messages decrypt directly');
  });

  it('a hand-made add signed by a non-admin changes nothing on any device', async () => {
    const [alice] = await registered('alice');
    const [bob, bobName] = await registered('bob');
    const [, malloryName] = await registered('mallory');
    const group = await alice.createGroup('Forged', [bobName]);
    await waitFor(() => bob.groupInfo(group)?.isMember, 'bob joins');
    const mallory = await lookUp(bob, malloryName);

    // Bob writes the op straight into the document, signed with his real identity key, and
    // sends the update with a message: the API's own check is bypassed.
    const internals = (bob as unknown as { deps: MessengerDeps }).deps;
    const model = internals.conversations.get(group)!;
    const account = internals.device.require();
    const keys = engine.IdentityKeyPair.deserialize(account.identityKeyPair);
    const entries = membershipArray(model.doc.doc).toArray() as Array<{
      id: string;
      clock: number;
    }>;
    const op = signOp(
      {
        kind: 'add',
        member: mallory,
        groupId: group,
        author: account.accountId,
        authorDevice: account.deviceId,
        clock: Math.max(...entries.map((e) => e.clock)) + 1,
        parents: entries.map((e) => e.id).sort(),
      },
      (message) => keys.privateKey.sign(message),
    );
    model.doc.doc.transact(() => {
      const array = membershipArray(model.doc.doc);
      array.insert(array.length, [op]);
    });
    const marker = fx.text('after forged add');
    await bob.sendText(group, marker);
    await waitFor(() => texts(alice, group).includes(marker), 'alice gets the forged op');
    for (const m of [alice, bob]) {
      expect(m.groupInfo(group)?.members.map((x) => x.accountId)).not.toContain(mallory);
      expect(m.groupInfo(group)?.members).toHaveLength(2);
    }
    // The op is in Alice's document (so the test really delivered it), and ignored.
    const aliceDoc = (alice as unknown as { deps: MessengerDeps }).deps.conversations.get(group)!
      .doc.doc;
    expect(
      membershipArray(aliceDoc)
        .toArray()
        .some((e) => (e as { id: string }).id === op.id),
    ).toBe(true);
    expect(Y.encodeStateVector(aliceDoc).length).toBeGreaterThan(0);
  });

  it('a member added later gets the group and what is sent after', async () => {
    const [alice] = await registered('alice');
    const [bob, bobName] = await registered('bob');
    const [dave, daveName] = await registered('dave');
    const group = await alice.createGroup('Growing', [bobName]);
    await waitFor(() => bob.groupInfo(group)?.isMember, 'bob joins');
    await alice.addGroupMembers(group, [daveName]);
    await waitFor(() => dave.groupInfo(group)?.isMember, 'dave joins');
    await waitFor(() => bob.groupInfo(group)?.members.length === 3, 'bob sees dave');
    const hi = fx.text('welcome dave');
    await bob.sendText(group, hi);
    await waitFor(() => texts(dave, group).includes(hi), 'dave gets bob');
    await dave.leaveGroup(group);
    await waitFor(() => alice.groupInfo(group)?.members.length === 2, 'alice sees dave leave');
    expect(dave.groupInfo(group)).toMatchObject({ isMember: false, former: 'left' });
  });
});

async function lookUp(messenger: Messenger, username: string): Promise<string> {
  const internals = (messenger as unknown as { deps: MessengerDeps }).deps;
  return internals.contacts.lookup(username);
}
