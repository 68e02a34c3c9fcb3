/**
 * Declares interop cases once per engine pair and gives them the assertions every case uses.
 * A case's name carries its pair ("[ts->native]"), so the report shows which direction failed.
 */
import { expect, test } from 'vitest';
import { ALL_PAIRS, type EnginePair } from './engines.js';
import type { Outcome, ErrorKind } from './outcome.js';
import { Party, readText, text, type Envelope } from './party.js';

/** Registers `name` for each pair; `timeout` in ms for the costly ones. */
export function interopCase(
  name: string,
  body: (pair: EnginePair) => Promise<void> | void,
  options: { pairs?: readonly EnginePair[]; timeout?: number } = {},
): void {
  for (const pair of options.pairs ?? ALL_PAIRS) {
    test(`${name} [${pair.label}]`, () => body(pair), options.timeout);
  }
}

export function expectDecrypted(outcome: Outcome<Uint8Array>, plaintext: string): void {
  if (!outcome.ok) {
    expect.fail(`expected "${plaintext}" to decrypt, got ${outcome.kind} (${outcome.message})`);
  }
  expect(readText(outcome.value)).toBe(plaintext);
}

export function expectFailure(outcome: Outcome<unknown>, kind: ErrorKind): void {
  if (outcome.ok) expect.fail(`expected a ${kind} error, but it succeeded`);
  expect(outcome.kind, outcome.message).toBe(kind);
}

/** A two-party conversation: Alice on the pair's sender engine, Bob on its receiver engine. */
export interface Conversation {
  alice: Party;
  bob: Party;
  /** Sends `body` from one party to the other and returns the envelope, undelivered. */
  send(from: Party, to: Party, body: string): Promise<Envelope>;
  /** Delivers and demands that `body` comes out. */
  deliver(to: Party, from: Party, envelope: Envelope, body: string): Promise<void>;
}

export function conversation(pair: EnginePair): Conversation {
  const alice = Party.create(pair.sender);
  const bob = Party.create(pair.receiver);
  return {
    alice,
    bob,
    send: (from, to, body) => from.encrypt(to.id, text(body)),
    deliver: async (to, from, envelope, body) => {
      expectDecrypted(await to.tryDecrypt(from.id, envelope), body);
    },
  };
}

/** Alice fetches Bob's bundle, says hello, Bob answers, Alice reads it: a confirmed session. */
export async function establish(
  pair: EnginePair,
  options: { oneTimePreKey: boolean } = { oneTimePreKey: true },
): Promise<Conversation> {
  const c = conversation(pair);
  await c.alice.initiate(c.bob.id, c.bob.publishBundle(options));
  await c.deliver(c.bob, c.alice, await c.send(c.alice, c.bob, 'hello bob'), 'hello bob');
  await c.deliver(c.alice, c.bob, await c.send(c.bob, c.alice, 'hello alice'), 'hello alice');
  return c;
}
