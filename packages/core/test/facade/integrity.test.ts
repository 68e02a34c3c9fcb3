import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FrameSchema } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { MessengerEvent } from '../../src/facade/api.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { foundInRelay } from '../support/relay-contents.js';
import { find, texts, waitFor } from '../support/wait.js';

describe('integrity: tampering and identity changes', () => {
  const fx = useRelay();

  it('rejects a tampered ciphertext, reports it, and the session and the document recover', async () => {
    let tamperNext = false;
    const tampering = interceptingWebSocket((data) => {
      if (!tamperNext) return data;
      const frame = fromBinary(FrameSchema, data);
      if (frame.kind.case !== 'push' || frame.kind.value.kind.case !== 'envelope') return data;
      const content = frame.kind.value.kind.value.content;
      content[content.length - 20] = (content[content.length - 20] ?? 0) ^ 0x01;
      tamperNext = false;
      return toBinary(FrameSchema, frame);
    });
    const alice = await fx.messenger();
    const bob = await fx.messenger(undefined, tampering);
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    const events: MessengerEvent[] = [];
    bob.on((event) => events.push(event));

    const conversation = await alice.openDirectConversation(bobName);
    const first = fx.text('before tampering');
    await alice.sendText(conversation, first);
    await waitFor(() => texts(bob, conversation).includes(first), 'first message');
    const replyId = await bob.sendText(conversation, fx.text('reply'));
    await waitFor(
      () => find(bob, conversation, replyId)?.status === 'delivered',
      'reply delivered',
    );

    tamperNext = true;
    const tampered = fx.text('tampered in transit');
    const tamperedId = await alice.sendText(conversation, tampered);
    const failure = await waitFor(
      () => events.find((e) => e.type === 'decrypt-failed'),
      'decrypt-failed event',
    );
    expect(failure).toMatchObject({
      fromAccountId: alice.self.getSnapshot()?.accountId,
      fromDeviceId: 1,
    });
    expect(texts(bob, conversation)).not.toContain(tampered);

    const after = fx.text('after tampering');
    await alice.sendText(conversation, after);
    // The session still decrypts; the missing update is repaired by state-vector sync.
    await waitFor(() => texts(bob, conversation).includes(after), 'next message decrypts');
    await waitFor(() => texts(bob, conversation).includes(tampered), 'repaired by sync');
    expect(texts(bob, conversation)).toEqual(texts(alice, conversation));
    await waitFor(
      () => find(alice, conversation, tamperedId)?.status === 'delivered',
      'repaired message delivered',
    );
    expect(events.filter((e) => e.type === 'decrypt-failed')).toHaveLength(1);
  });

  it('holds sends to a verified contact whose identity key changed until the user accepts it', async () => {
    const alice = await fx.messenger();
    const bobDb = `bob-${crypto.randomUUID()}`;
    let bob = await fx.messenger(bobDb);
    const aliceName = uniqueUsername('alice');
    const bobName = uniqueUsername('bob');
    await alice.register(aliceName);
    await bob.register(bobName);
    const carol = await fx.messenger();
    const carolName = uniqueUsername('carol');
    await carol.register(carolName);
    const events: MessengerEvent[] = [];
    alice.on((event) => events.push(event));

    const conversation = await alice.openDirectConversation(bobName);
    const hello = fx.text('hello');
    await alice.sendText(conversation, hello);
    await waitFor(() => texts(bob, conversation).includes(hello), 'hello');
    const before = await alice.safetyNumber(bobName);
    expect(before.displayable).toMatch(/^\d{60}$/);
    expect((await bob.safetyNumber(aliceName)).displayable).toBe(before.displayable);
    await alice.markVerified(bobName, true);
    expect((await alice.safetyNumber(bobName)).verified).toBe(true);

    // Bob reinstalls: same account and device credentials, a new identity key, no sessions.
    await bob.close();
    await replaceIdentity(bobDb);
    bob = await fx.messenger(bobDb);
    const fromNewKey = fx.text('from my new key');
    await bob.sendText(conversation, fromNewKey);

    const changed = await waitFor(
      () => events.find((e) => e.type === 'safety-number-changed'),
      'safety-number-changed',
    );
    expect(changed).toEqual({
      type: 'safety-number-changed',
      username: bobName,
      conversationId: conversation,
    });
    await waitFor(
      () => texts(alice, conversation).includes(fromNewKey),
      'the message itself is received',
    );
    const system = alice
      .messages(conversation)
      .getSnapshot()
      .filter((m) => m.kind === 'system');
    expect(system).toHaveLength(1);
    expect(system[0]?.body).toContain(bobName);
    const after = await alice.safetyNumber(bobName);
    expect(after.displayable).not.toBe(before.displayable);
    expect(after.verified).toBe(false);

    const held = fx.text('held until accepted');
    const heldId = await alice.sendText(conversation, held);
    // Instead of waiting a while: a drain takes the outbox in order, so once a message to Carol
    // committed after the held one has gone out, the outbox has passed over the held one.
    const toCarol = await alice.openDirectConversation(carolName);
    const probeId = await alice.sendText(toCarol, fx.text('to carol meanwhile'));
    await waitFor(() => {
      const status = find(alice, toCarol, probeId)?.status;
      return status !== undefined && status !== 'pending';
    }, 'a later message to Carol sent');
    expect(find(alice, conversation, heldId)?.status).toBe('pending');
    expect(texts(bob, conversation)).not.toContain(held);

    await alice.acceptIdentityChange(bobName);
    await waitFor(() => texts(bob, conversation).includes(held), 'released after acceptance');
    await waitFor(() => find(alice, conversation, heldId)?.status === 'delivered', 'delivered');
    expect((await bob.safetyNumber(aliceName)).displayable).toBe(after.displayable);
  });

  it('leaves none of the sent plaintext in the relay database or logs', async () => {
    await fx.relay.stop();
    expect(foundInRelay(fx.relay, fx.plaintexts)).toEqual([]);
    await fx.relay.restart();
  });
});

/** Gives a (closed) device a new identity key pair and forgets its sessions, as a reinstall would. */
async function replaceIdentity(databaseName: string): Promise<void> {
  const engine = engines[0]!.engine;
  const db = new ParleyDatabase(databaseName);
  try {
    await db.account.update('self', {
      identityKeyPair: engine.IdentityKeyPair.generate().serialize(),
    });
    await db.sessions.clear();
  } finally {
    db.close();
  }
}
