import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';
import { linkDevice } from '../support/link.js';

/** 50 accounts with two devices each: 100 devices, each send fans out to the 99 others. */
const ACCOUNTS = 50;
/** Accounts whose first device sends one message; one more message comes from a second device. */
const SENDERS = 5;

describe('a 50-member group with two devices each (real relay)', () => {
  const fx = useRelay();

  it('delivers every message to all 99 other devices exactly once', async () => {
    const accounts: Array<{ name: string; devices: Messenger[] }> = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const first = await fx.messenger();
      const name = uniqueUsername(`m${i}`);
      await first.register(name);
      const second = await fx.messenger();
      await linkDevice(first, second);
      accounts.push({ name, devices: [first, second] });
    }
    const all = accounts.flatMap((a) => a.devices);
    const [owner, ...others] = accounts;
    const group = await owner!.devices[0]!.createGroup(
      'Fifty',
      others.map((a) => a.name),
    );
    await waitFor(
      () => all.every((d) => d.groupInfo(group)?.members.length === ACCOUNTS),
      'every device folds the group',
      120_000,
    );

    const sent: Array<{ text: string; from: Messenger }> = [];
    const senders = [
      ...accounts.slice(0, SENDERS).map((a) => a.devices[0]!),
      accounts[SENDERS]!.devices[1]!,
    ];
    for (const [i, from] of senders.entries()) {
      const text = fx.text(`fan-out ${i}`);
      await from.sendText(group, text);
      sent.push({ text, from });
    }
    await waitFor(
      () => all.every((d) => sent.every(({ text }) => texts(d, group).includes(text))),
      'every device has every message',
      120_000,
    );
    for (const device of all) {
      await device.settled();
      const got = texts(device, group);
      for (const { text } of sent) expect(got.filter((t) => t === text)).toHaveLength(1);
    }
  }, 600_000);
});
