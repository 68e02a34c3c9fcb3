import { describe, expect, it } from 'vitest';
import { EnvelopeType } from '@parley/protocol';
import { decodeServerFrame } from '@parley/protocol/wire';
import type { Messenger, MessageView } from '../../src/facade/api.js';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import type { SenderKeys } from '../../src/groups/sender-keys.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { find, openChat, texts, waitFor } from '../support/wait.js';

const deps = (m: Messenger) => (m as unknown as { deps: MessengerDeps }).deps;

/** Starts a new sender-key chain on `m` for `group`, as a membership change or restart would. */
function rotate(m: Messenger, group: string): void {
  (deps(m).groups as unknown as { deps: { senderKeys: SenderKeys } }).deps.senderKeys.rotate(group);
}

/** Bob's socket loses the next 1:1 envelope once armed (a sender-key distribution). */
function lossySocket() {
  const state = { armed: false, dropped: 0 };
  const WebSocket = interceptingWebSocket((data) => {
    if (!state.armed) return data;
    const frame = decodeServerFrame(data);
    const type = frame.case === 'envelope' ? frame.envelope.type : undefined;
    if (type === EnvelopeType.SIGNAL_MESSAGE || type === EnvelopeType.PREKEY_MESSAGE) {
      state.armed = false;
      state.dropped++;
      return undefined; // not acknowledged: the relay hands it over again on the next connection
    }
    return data;
  });
  return { state, WebSocket };
}

async function keptRows(databaseName: string) {
  const db = new ParleyDatabase(databaseName);
  await db.open();
  try {
    return await db.pendingGroupMessages.toArray();
  } finally {
    db.close();
  }
}

/** Every snapshot of `m`'s timeline of `group` that showed a placeholder, as it was. */
function watchPlaceholders(m: Messenger, group: string): MessageView[][] {
  const seen: MessageView[][] = [];
  const messages = m.messages(group);
  messages.subscribe(() => {
    const snapshot = messages.getSnapshot();
    if (snapshot.some((v) => v.kind === 'placeholder')) seen.push([...snapshot]);
  });
  return seen;
}

describe('a group message that does not decrypt yet (real relay)', () => {
  const fx = useRelay();

  it('shows a placeholder from its sender, kept in IndexedDB, replaced in place once the key arrives', async () => {
    const aliceDb = `alice-${crypto.randomUUID()}`;
    let alice = await fx.messenger(aliceDb);
    const aliceName = uniqueUsername('alice');
    await alice.register(aliceName);
    const bobDb = `bob-${crypto.randomUUID()}`;
    const lossy = lossySocket();
    let bob = await fx.messenger(bobDb, lossy.WebSocket);
    const bobName = uniqueUsername('bob');
    await bob.register(bobName);
    const failures: string[] = [];
    bob.on((event) => {
      if (event.type === 'decrypt-failed') failures.push(event.reason);
    });
    const group = await alice.createGroup('Patchy', [bobName]);
    const first = fx.text('first');
    await alice.sendText(group, first);
    await waitFor(() => texts(bob, group).includes(first), 'bob gets the first message');

    // Alice's next chain's key is lost on the way to Bob, and Alice goes offline after sending.
    rotate(alice, group);
    lossy.state.armed = true;
    const second = fx.text('second');
    const secondId = await alice.sendText(group, second);
    await waitFor(() => find(alice, group, secondId)?.status !== 'pending', 'the relay has it');
    await alice.close();

    const placeholder = await waitFor(
      () =>
        bob
          .messages(group)
          .getSnapshot()
          .find((v) => v.kind === 'placeholder'),
      'a placeholder at bob',
    );
    expect(lossy.state.dropped).toBe(1);
    // The placeholder says it all: no decryption failure is reported for it.
    expect(failures).toEqual([]);
    expect(placeholder).toMatchObject({ senderUsername: aliceName, outgoing: false, body: '' });
    const timeline = bob.messages(group).getSnapshot();
    expect(timeline.at(-1)).toBe(placeholder);
    expect(timeline.at(-2)?.body).toBe(first);
    // Not a readable message: no unread count, no read receipt can name it.
    await bob.markRead(group, timeline.at(-2)!.id);
    await waitFor(
      () =>
        bob
          .conversations()
          .getSnapshot()
          .find((c) => c.id === group)?.unreadCount === 0,
      'only the first message was unread',
    );
    await expect(bob.markRead(group, placeholder.id)).rejects.toMatchObject({
      code: 'UNKNOWN_MESSAGE',
    });
    await bob.settled();
    const kept = await keptRows(bobDb);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ conversationId: group, senderDeviceId: 1 });
    expect(kept[0]!.ciphertext.length).toBeGreaterThan(0);

    // Bob restarts: the placeholder is still there; the relay hands over the lost key again,
    // and the kept ciphertext decrypts (Alice is still offline: nothing else could fill it).
    await bob.close();
    bob = await fx.messenger(bobDb);
    await openChat(bob, group);
    const afterRestart = bob.messages(group).getSnapshot();
    const index = afterRestart.findIndex((v) => v.kind === 'placeholder');
    expect(index).toBe(afterRestart.length - 1);
    await waitFor(() => texts(bob, group).includes(second), 'the kept message decrypts');
    const filled = bob.messages(group).getSnapshot();
    expect(filled.some((v) => v.kind === 'placeholder')).toBe(false);
    expect(filled[index]?.body).toBe(second);
    await bob.settled();
    expect(await keptRows(bobDb)).toHaveLength(0);

    // Now the key is lost for good while Alice is online: Bob asks, Alice's answer opens only
    // later messages, and her state repair brings the lost one in place of its placeholder.
    alice = await fx.messenger(aliceDb);
    await bob.close();
    const lossier = lossySocket();
    bob = await fx.messenger(bobDb, lossier.WebSocket);
    // Alice first answers Bob's old request; a message after it shows that Bob has the answer.
    const marker = fx.text('marker');
    await alice.sendText(group, marker);
    await waitFor(() => texts(bob, group).includes(marker), 'bob is caught up');
    const seen = watchPlaceholders(bob, group);
    rotate(alice, group);
    lossier.state.armed = true;
    const third = fx.text('third');
    await alice.sendText(group, third);
    await waitFor(() => texts(bob, group).includes(third), 'the state repair brings it');
    expect(lossier.state.dropped).toBe(1);
    expect(seen.length).toBeGreaterThan(0);
    const shown = seen[0]!.findIndex((v) => v.kind === 'placeholder');
    const final = bob.messages(group).getSnapshot();
    expect(final.some((v) => v.kind === 'placeholder')).toBe(false);
    expect(final[shown]?.body).toBe(third);
    await bob.settled();
    expect(await keptRows(bobDb)).toHaveLength(0);
  });
});
