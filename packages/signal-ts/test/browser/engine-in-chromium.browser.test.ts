/// <reference lib="dom" />
/**
 * Runs in headless Chromium only (the "chromium" Vitest project): the signal-ts engine driven
 * through the same test parties as the interop suite, with no Node at all, so what passes here
 * is what the PWA gets. The native engine cannot load in a browser; cross-engine checks are in
 * test/interop (Node).
 */
import { describe, expect, test } from 'vitest';
import { ts } from '../interop/harness/engine.js';
import { Party, readText, text } from '../interop/harness/party.js';

describe('signal-ts in Chromium', () => {
  test('runs in a real browser page, with Web Crypto and no Node globals', () => {
    expect(navigator.userAgent).toMatch(/Chrome/);
    expect(typeof document.createElement).toBe('function');
    expect(typeof crypto.getRandomValues).toBe('function');
    expect((globalThis as { Buffer?: unknown }).Buffer).toBeUndefined();
  });

  test('a PQXDH session, out-of-order delivery, a restart and a duplicate', async () => {
    const alice = Party.create(ts);
    const bob = Party.create(ts);
    await alice.initiate(bob.id, bob.publishBundle());
    const first = await alice.encrypt(bob.id, text('hello from chromium'));
    expect(readText(await bob.decrypt(alice.id, first))).toBe('hello from chromium');
    const reply = await bob.encrypt(alice.id, text('hi'));
    expect(readText(await alice.decrypt(bob.id, reply))).toBe('hi');

    const later = [];
    for (let i = 0; i < 4; i++) later.push(await alice.encrypt(bob.id, text(`m${i}`)));
    const restartedBob = bob.restart();
    for (const i of [3, 1, 0, 2]) {
      expect(readText(await restartedBob.decrypt(alice.id, later[i]!))).toBe(`m${i}`);
    }
    const again = await restartedBob.tryDecrypt(alice.id, later[1]!);
    expect(again.ok ? 'ok' : again.kind).toBe('duplicate');
  });

  test('sender keys: distribution, group messages, tampering', async () => {
    const sender = Party.create(ts);
    const member = Party.create(ts);
    const distributionId = crypto.randomUUID();
    await member.processDistribution(sender.id, await sender.createDistribution(distributionId));
    const message = await sender.groupEncrypt(distributionId, text('to the group'));
    const tampered = new Uint8Array(message);
    tampered[tampered.length - 1]! ^= 1;
    const refused = await member.tryGroupDecrypt(sender.id, tampered);
    expect(refused.ok).toBe(false);
    const read = await member.tryGroupDecrypt(sender.id, message);
    expect(read.ok && readText(read.value)).toBe('to the group');
  });
});
