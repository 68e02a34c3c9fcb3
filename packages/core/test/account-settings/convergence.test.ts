import { describe, expect, it } from 'vitest';
import { AccountSettings } from '../../src/account-settings/account-settings.js';
import { MUTED_FOREVER, type AccountSettingsChange } from '../../src/account-settings/types.js';
import { nodeAutomerge } from '../../src/native.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { Random } from '../support/random.js';

/**
 * Three devices of one account, each with its own database, exchanging the account document's
 * Automerge sync messages over an in-memory network (the relay and the Signal sessions are
 * exercised by the messenger tests: here the network reorders across device pairs at random,
 * keeps each pair's order as the relay's mailboxes do, and devices restart mid-way).
 */
interface Device {
  id: number;
  name: string;
  settings: AccountSettings;
  /** Makes `work` durable, then puts the sync messages it staged on the network. */
  commit(work: UnitOfWork): Promise<void>;
}

interface InFlight {
  from: number;
  to: number;
  message: Uint8Array;
}

const DEVICE_IDS = [1, 2, 3];

function network() {
  const queue: InFlight[] = [];
  const open = async (id: number, name: string): Promise<Device> => {
    const db = new ParleyDatabase(name);
    await db.open();
    const staged = new WeakMap<UnitOfWork, InFlight[]>();
    // Sent only once durable, as the outbox does.
    const commit = async (work: UnitOfWork): Promise<void> => {
      await work.commit(db);
      queue.push(...(staged.get(work) ?? []));
    };
    const settings = new AccountSettings({
      db,
      loadAutomerge: nodeAutomerge,
      ownDeviceIds: () => DEVICE_IDS.filter((other) => other !== id),
      send: (work, to, message) =>
        staged.set(work, [...(staged.get(work) ?? []), { from: id, to, message }]),
      commit,
    });
    await settings.load();
    return { id, name, settings, commit };
  };
  return { queue, open };
}

function randomChange(random: Random): AccountSettingsChange {
  const chat = `chat-${random.int(4)}`;
  const account = `acct-${random.int(4)}`;
  switch (random.int(8)) {
    case 0:
      return { kind: 'set-chat', conversationId: chat, pinned: random.chance(0.5) };
    case 1:
      return { kind: 'set-chat', conversationId: chat, archived: random.chance(0.5) };
    case 2:
      return {
        kind: 'set-chat',
        conversationId: chat,
        mutedUntil: random.pick([0, 1_900_000_000_000, MUTED_FOREVER]),
      };
    case 3:
      return { kind: random.chance(0.5) ? 'block' : 'unblock', accountId: account };
    case 4:
      return {
        kind: 'rename-contact',
        accountId: account,
        name: random.chance(0.2) ? null : `Name ${random.int(100)}`,
      };
    case 5:
      return { kind: 'set-theme', theme: random.pick(['system', 'light', 'dark'] as const) };
    case 6:
      return { kind: 'accept-request', conversationId: chat };
    default:
      return { kind: 'set-read-receipts', enabled: random.chance(0.5) };
  }
}

/** Delivers one queued message: the oldest of a random device pair (pairs keep their order). */
async function deliverOne(queue: InFlight[], devices: Device[], random: Random): Promise<void> {
  const index = queue.indexOf(random.pick(queue));
  const { from, to } = queue[index]!;
  const first = queue.findIndex((m) => m.from === from && m.to === to);
  const [message] = queue.splice(first, 1);
  const receiver = devices.find((d) => d.id === to)!;
  const work = new UnitOfWork();
  receiver.settings.receive(work, from, message!.message);
  await receiver.commit(work);
}

describe('the account document on three devices of one account', () => {
  const seeds = process.env['TEST_SEED'] ? [Number(process.env['TEST_SEED'])] : [1, 2, 3, 4, 5];
  for (const seed of seeds) {
    it(`converges under random concurrent edits, reordering and restarts (seed ${seed})`, async () => {
      const random = new Random(seed);
      const net = network();
      const prefix = `acct-doc-${seed}-${crypto.randomUUID()}`;
      let devices = await Promise.all(DEVICE_IDS.map((id) => net.open(id, `${prefix}-${id}`)));
      const made: AccountSettingsChange[] = [];
      for (let step = 0; step < 200; step++) {
        const roll = random.next();
        if (roll < 0.45 || net.queue.length === 0) {
          const change = randomChange(random);
          made.push(change);
          await random.pick(devices).settings.update(change);
        } else if (roll < 0.97) {
          await deliverOne(net.queue, devices, random);
        } else {
          // A restart forgets the sync states, and greets nobody: the messages still on their
          // way (the outbox delivers each at least once) carry every exchange to its end.
          const device = random.pick(devices);
          const reopened = await net.open(device.id, device.name);
          devices = devices.map((d) => (d.id === device.id ? reopened : d));
        }
      }
      // Messages queued for a device that restarted are still delivered (the relay keeps them).
      let rounds = 0;
      while (net.queue.length > 0) {
        await deliverOne(net.queue, devices, random);
        expect(++rounds, `seed ${seed}: sync does not end`).toBeLessThan(10_000);
      }
      const [first, ...others] = devices.map((d) => d.settings.settings);
      for (const other of others) expect(other, `seed ${seed}`).toEqual(first);
      expect(made.length).toBeGreaterThan(50);

      // And the converged document survives a restart of every device.
      const reopened = await Promise.all(devices.map((d) => net.open(d.id, d.name)));
      for (const device of reopened) expect(device.settings.settings).toEqual(first);
    });
  }

  it('pin on one device and mute on another, concurrently: both hold everywhere', async () => {
    const net = network();
    const prefix = `acct-doc-pin-mute-${crypto.randomUUID()}`;
    const devices = await Promise.all(DEVICE_IDS.map((id) => net.open(id, `${prefix}-${id}`)));
    // Neither device has seen the other's change when it makes its own.
    await devices[0]!.settings.update({ kind: 'set-chat', conversationId: 'c', pinned: true });
    await devices[1]!.settings.update({
      kind: 'set-chat',
      conversationId: 'c',
      mutedUntil: MUTED_FOREVER,
    });
    await devices[2]!.settings.update({ kind: 'rename-contact', accountId: 'b', name: 'Bea' });
    const random = new Random(7);
    while (net.queue.length > 0) await deliverOne(net.queue, devices, random);
    for (const device of devices) {
      expect(device.settings.settings.chats['c']).toEqual({
        pinned: true,
        archived: false,
        mutedUntil: MUTED_FOREVER,
      });
      expect(device.settings.settings.contactNames).toEqual({ b: 'Bea' });
    }
  });

  it('a tampered sync message is refused and changes nothing', async () => {
    const net = network();
    const prefix = `acct-doc-tamper-${crypto.randomUUID()}`;
    const [a, b] = await Promise.all([1, 2].map((id) => net.open(id, `${prefix}-${id}`)));
    await a!.settings.update({ kind: 'block', accountId: 'x' });
    const before = b!.settings.settings;
    const garbage = new Uint8Array([0x42, 1, 2, 3, 4, 5]);
    expect(() => b!.settings.receive(new UnitOfWork(), 1, garbage)).toThrow();
    expect(b!.settings.settings).toBe(before);
  });
});
