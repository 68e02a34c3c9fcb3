import { describe, expect, it } from 'vitest';
import type { Content } from '@parley/protocol';
import { syncRequestContent } from '../../src/delivery/contents.js';
import type { Sender } from '../../src/delivery/inbox.js';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import type { Messenger } from '../../src/facade/api.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { UnitOfWork } from '../../src/store/unit-of-work.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

const deps = (m: Messenger) => (m as unknown as { deps: MessengerDeps }).deps;

/** Every Content a device decrypted, recorded before it is handled. */
function recordContents(m: Messenger): Array<{ content: Content; sender: Sender }> {
  const seen: Array<{ content: Content; sender: Sender }> = [];
  type Handle = (content: Content, sender: Sender, work: UnitOfWork) => Promise<void>;
  const handlers = (deps(m).inbox as unknown as { handlers: { handle: Handle } }).handlers;
  const handle = handlers.handle.bind(handlers);
  handlers.handle = (content: Content, sender: Sender, work: UnitOfWork) => {
    seen.push({ content, sender });
    return handle(content, sender, work);
  };
  return seen;
}

/** Whether `value` (rows of a database, contents) holds `needle` as text or UTF-8 bytes. */
function holds(value: unknown, needle: string): boolean {
  const bytes = new TextEncoder().encode(needle);
  const walk = (v: unknown): boolean => {
    if (typeof v === 'string') return v.includes(needle);
    if (v instanceof Uint8Array) return Buffer.from(v).includes(Buffer.from(bytes));
    if (Array.isArray(v)) return v.some(walk);
    if (v && typeof v === 'object') return Object.values(v).some(walk);
    return false;
  };
  return walk(value);
}

async function databaseHolds(name: string, needle: string): Promise<boolean> {
  const db = new ParleyDatabase(name);
  await db.open();
  try {
    for (const table of db.tables) if (holds(await table.toArray(), needle)) return true;
    return false;
  } finally {
    db.close();
  }
}

describe('a member added later (real relay)', () => {
  const fx = useRelay();

  async function registered(prefix: string, databaseName?: string): Promise<[Messenger, string]> {
    const messenger = await fx.messenger(databaseName);
    const name = uniqueUsername(prefix);
    await messenger.register(name);
    return [messenger, name];
  }

  it('gets the history from its addition on: earlier messages never reach its device', async () => {
    const [alice] = await registered('alice');
    const [bob, bobName] = await registered('bob');
    const daveDb = `dave-${crypto.randomUUID()}`;
    const [dave, daveName] = await registered('dave', daveDb);
    const [erin, erinName] = await registered('erin');
    const group = await alice.createGroup('Before you came', [bobName]);
    const old = [fx.text('old from alice'), fx.text('old from bob')];
    await alice.sendText(group, old[0]!);
    await waitFor(() => texts(bob, group).includes(old[0]!), 'bob gets alice');
    await bob.sendText(group, old[1]!);
    await waitFor(() => texts(alice, group).includes(old[1]!), 'alice gets bob');

    const contents = recordContents(dave);
    await alice.addGroupMembers(group, [daveName]);
    await waitFor(() => dave.groupInfo(group)?.isMember, 'dave joins');
    await waitFor(() => bob.groupInfo(group)?.members.length === 3, 'bob sees dave');
    const welcome = fx.text('welcome dave');
    await bob.sendText(group, welcome);
    await waitFor(() => texts(dave, group).includes(welcome), 'dave gets what follows');

    // State repair from scratch: Dave asks Bob for everything; Bob's answer is redacted too.
    const work = new UnitOfWork();
    deps(dave).outbox.enqueue(work, {
      content: syncRequestContent(group, new Uint8Array([0])),
      recipientAccountIds: [deps(bob).device.accountId],
      ownDevices: false,
    });
    await (
      deps(dave).groups as unknown as { deps: { commit(w: UnitOfWork): Promise<void> } }
    ).deps.commit(work);
    await waitFor(
      () => contents.some((c) => c.content.body.case === 'crdtSyncResponse'),
      "bob's sync answer",
    );
    await dave.settled();

    expect(texts(dave, group)).toEqual([welcome]);
    for (const text of old) {
      expect(contents.some((c) => holds(c.content, text))).toBe(false);
      expect(await databaseHolds(daveDb, text)).toBe(false);
    }
    // Dave still sees his own addition, and the old members keep their history.
    expect(
      dave
        .messages(group)
        .getSnapshot()
        .filter((v) => v.kind === 'system')
        .map((v) => v.body),
    ).toEqual([expect.stringContaining(`added you`)]);
    for (const m of [alice, bob]) expect(texts(m, group)).toEqual([...old, welcome]);

    // Dave writes; everybody converges and nobody's history is touched.
    const fromDave = fx.text('dave speaks');
    await dave.sendText(group, fromDave);
    for (const m of [alice, bob])
      await waitFor(() => texts(m, group).includes(fromDave), 'dave reaches the old members');
    for (const m of [alice, bob]) expect(texts(m, group)).toEqual([...old, welcome, fromDave]);

    // The adder may share the history.
    await alice.addGroupMembers(group, [erinName], { shareHistory: true });
    await waitFor(() => texts(erin, group).includes(old[0]!), 'erin gets the shared history');
    expect(texts(erin, group)).toEqual(expect.arrayContaining([...old, welcome, fromDave]));
  });
});
