import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { useRelay } from '../support/fixture.js';
import { linkDevice } from '../support/link.js';
import { openChat, texts, waitFor } from '../support/wait.js';

/**
 * Sealing is local (docs/decisions/0820, "Sealed segments"): a device that seals its document
 * never deletes anyone else's copies, and a device linked afterwards gets the sealed history in
 * its archive. Alice's phone seals with a window of 20 entries and segments of 10; Bob and the
 * laptop keep the default window.
 */
const SEALING = { liveEntries: 20, segmentEntries: 10 };

/** Scrolls the chat up until it shows `expected`, read back from segments where sealed. */
async function scrolledBack(messenger: Messenger, conversation: string, expected: string[]) {
  return waitFor(() => {
    const shown = texts(messenger, conversation);
    if (shown.length === expected.length) return shown;
    messenger.showOlderMessages(conversation);
    return undefined;
  }, 'every message shown');
}

describe('sealed history across devices', () => {
  const fx = useRelay();

  it('one device seals; the peer and a newly linked device keep every message; all keep chatting', async () => {
    const phoneDb = `phone-${crypto.randomUUID()}`;
    let phone = await fx.messenger(phoneDb, undefined, undefined, { sealing: SEALING });
    const bob = await fx.messenger();
    const conversation = await fx.meet(phone, bob);
    const expected: string[] = [];
    for (let i = 0; i < 35; i++) {
      expected.push(fx.text(`a${i}`));
      await phone.sendText(conversation, expected.at(-1)!);
    }
    await waitFor(() => texts(bob, conversation).length === 35, 'bob has all 35');
    await bob.acceptMessageRequest(conversation);
    await phone.sent();

    // Reopened, the phone holds its window live and the rest in segments.
    await phone.close();
    phone = await fx.messenger(phoneDb, undefined, undefined, { sealing: SEALING });
    await openChat(phone, conversation);
    const live = texts(phone, conversation);
    expect(live.length).toBeGreaterThanOrEqual(SEALING.liveEntries);
    expect(live.length).toBeLessThan(SEALING.liveEntries + SEALING.segmentEntries);
    expect(live).toEqual(expected.slice(-live.length));

    const laptop = await fx.messenger();
    await linkDevice(phone, laptop);
    await waitFor(
      () => laptop.linkHistory.getSnapshot()?.state === 'done',
      'the laptop imports the archive',
    );
    expect(await scrolledBack(laptop, conversation, expected)).toEqual(expected);

    for (let i = 0; i < 5; i++) {
      expected.push(fx.text(`b${i}`));
      await bob.sendText(conversation, expected.at(-1)!);
    }
    await waitFor(() => texts(phone, conversation).at(-1) === expected.at(-1), 'phone has bob’s');
    for (let i = 0; i < 5; i++) {
      expected.push(fx.text(`c${i}`));
      await phone.sendText(conversation, expected.at(-1)!);
    }
    for (const device of [bob, laptop])
      await waitFor(() => texts(device, conversation).at(-1) === expected.at(-1), 'the last one');

    for (const device of [phone, bob, laptop])
      expect(await scrolledBack(device, conversation, expected)).toEqual(expected);
  });
});
