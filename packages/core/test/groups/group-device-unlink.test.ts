import { describe, expect, it } from 'vitest';
import { EnvelopeType } from '@parley/protocol';
import { decodeClientFrame } from '@parley/protocol/wire';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { SignalStores } from '../../src/store/signal-stores.js';
import { engines } from '../engine/engines.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { interceptingWebSocket } from '../support/intercepting-websocket.js';
import { texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

const engine = engines[0]!.engine;

describe('a member device unlinked from its account (real relay)', () => {
  const fx = useRelay();

  it('makes the other members rotate: the unlinked device cannot decrypt the next message', async () => {
    const senderKey: Array<{ to: string; content: Uint8Array }> = [];
    const WebSocket = interceptingWebSocket(
      (data) => data,
      (data) => {
        const frame = decodeClientFrame(data);
        if (frame.case !== 'send') return;
        for (const m of frame.send.messages)
          if (m.type === EnvelopeType.SENDER_KEY_MESSAGE)
            senderKey.push({ to: m.destination?.accountId ?? '', content: m.content });
      },
    );
    const alice = await fx.messenger(undefined, WebSocket);
    await alice.register(uniqueUsername('alice'));
    const bob = await fx.messenger();
    const bobName = uniqueUsername('bob');
    await bob.register(bobName);
    const laptopDb = `bob-laptop-${crypto.randomUUID()}`;
    const laptop = await fx.messenger(laptopDb);
    const linked = await linkDevice(bob, laptop);

    const group = await alice.createGroup('Two devices', [bobName]);
    const before = fx.text('before unlink');
    await alice.sendText(group, before);
    for (const device of [bob, laptop])
      await waitFor(() => texts(device, group).includes(before), 'both bob devices receive');
    await laptop.settled();
    await laptop.close();

    // Bob unlinks his laptop (the relay's device API, as the settings screen would).
    const credentials = (bob as unknown as { deps: MessengerDeps }).deps.device.credentials()!;
    const auth = btoa(`${credentials.accountId}.${credentials.deviceId}:${credentials.secret}`);
    const response = await fetch(`${fx.relay.url}/v1/devices/${linked.deviceId}`, {
      method: 'DELETE',
      headers: { authorization: `Basic ${auth}` },
    });
    expect(response.status).toBe(204);

    senderKey.length = 0;
    const after = fx.text('after unlink');
    await alice.sendText(group, after);
    await waitFor(() => texts(bob, group).includes(after), 'bob phone receives after unlink');
    const sent = senderKey.filter((c) => c.to === credentials.accountId).at(-1);
    expect(sent).toBeDefined();

    // The laptop's own stored sender keys (it held Alice's chain) do not open the new message.
    const db = new ParleyDatabase(laptopDb);
    await db.open();
    const stores = new SignalStores(db, engine);
    await stores.load();
    const from = engine.ProtocolAddress.new(alice.self.getSnapshot()!.accountId, 1);
    const error = await engine
      .groupDecrypt(from, stores, sent!.content as Uint8Array<ArrayBuffer>)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeDefined();
    db.close();
  });
});
