import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRoutedEnvelopes } from '../../src/cluster/envelope-codec.js';
import { defineRouting, routeEnvelopes } from '../../src/cluster/routing.js';
import type { StoredEnvelope } from '../../src/store/records.js';
import { storedEnvelope } from './stored-envelope.js';

/**
 * Decision 0162: one script call looks up the holders of a commit's envelopes and publishes
 * each holder's envelopes, in commit order, as one message on its channel; devices held by
 * nobody are skipped. The machine's Redis, under a prefix of this test's own.
 */
describe('routing a commit batch through Redis in one call', () => {
  const url = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `parley-test-${randomBytes(6).toString('hex')}`;
  const names = {
    presenceKey: (rowId: number) => `${prefix}:presence:${rowId}`,
    channelPrefix: `${prefix}:process:`,
  };
  let commands: Redis;
  let subscriber: Redis;

  beforeAll(async () => {
    commands = new Redis(url);
    subscriber = new Redis(url);
    defineRouting(commands);
    await subscriber.subscribe(`${prefix}:process:p1`, `${prefix}:process:p2`);
  });

  afterAll(async () => {
    const keys = await commands.keys(`${prefix}:*`);
    if (keys.length > 0) await commands.del(...keys);
    commands.disconnect();
    subscriber.disconnect();
  });

  it('publishes one message per holding process with its envelopes, skipping offline devices', async () => {
    await commands.mset(names.presenceKey(1), 'p1.7', names.presenceKey(2), 'p2.3');
    await commands.set(names.presenceKey(4), 'p1.9');
    const received = new Map<string, StoredEnvelope[][]>();
    const both = new Promise<void>((resolve) => {
      subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => {
        const owner = channel.toString().slice(names.channelPrefix.length);
        received.set(owner, [...(received.get(owner) ?? []), decodeRoutedEnvelopes(message)]);
        if (received.size === 2) resolve();
      });
    });
    // Device 3 is offline: its entry stays in the mailbox for its next connection.
    const batch = [
      storedEnvelope(1, 10),
      storedEnvelope(2, 11),
      storedEnvelope(3, 12),
      storedEnvelope(4, 13),
      storedEnvelope(1, 14),
    ];
    await routeEnvelopes(commands, names, batch);
    await both;
    const ids = (owner: string) => received.get(owner)!.map((m) => m.map((e) => e.serverId));
    expect(ids('p1')).toEqual([[10, 13, 14]]);
    expect(ids('p2')).toEqual([[11]]);
    // Every field survives the trip (content as bytes: it comes back as a Buffer).
    const plain = ({ content, ...rest }: StoredEnvelope) => ({ ...rest, content: [...content] });
    expect(plain(received.get('p1')![0]![0]!)).toEqual(plain(batch[0]!));
  });
});
