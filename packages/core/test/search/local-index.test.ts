import { describe, expect, it } from 'vitest';
import {
  LocalSearchIndex,
  MAX_SAVE_POSTPONEMENTS,
  SAVE_FRACTION,
  type Scheduler,
} from '../../src/search/local-index.js';
import { DeferredSearchIndex } from '../../src/search/deferred-index.js';
import type { SearchDocument } from '../../src/search/search-document.js';
import {
  SearchWorkerError,
  serveSearchBackend,
  type MessageEndpoint,
  WorkerSearchBackend,
} from '../../src/search/worker-protocol.js';

/** The save timer, run by hand: tests never wait for time. */
function manualScheduler() {
  const tasks: Array<() => void> = [];
  let scheduled = 0;
  const schedule: Scheduler = (task) => {
    tasks.push(task);
    scheduled++;
    return () => void tasks.splice(tasks.indexOf(task), 1);
  };
  return {
    schedule,
    pending: () => tasks.length,
    scheduled: () => scheduled,
    fire: () => tasks.splice(0).forEach((task) => task()),
  };
}

let sentAt = 1_000;
function message(id: string, text: string, conversationId = 'c1'): SearchDocument {
  return {
    id,
    kind: 'message',
    messageId: id,
    conversationId,
    sentAt: sentAt++,
    text,
    senderId: 'alice',
    outgoing: false,
  };
}

function openIndex(databaseName: string) {
  const timer = manualScheduler();
  return { index: new LocalSearchIndex({ databaseName, schedule: timer.schedule }), timer };
}

const ids = (hits: Array<{ id: string }>) => hits.map((hit) => hit.id);

describe('the local search index', () => {
  it('finds by prefix, without case or diacritics, every query word matching, newest first', async () => {
    const { index } = openIndex(`search-${crypto.randomUUID()}`);
    await index.restore([]);
    await index.apply({
      add: [
        message('m1', 'Un café sous l’arbre ?'),
        message('m2', 'CAFÉ crème demain', 'c2'),
        message('m3', 'rendez-vous à la gare'),
      ],
    });
    expect(ids(await index.query({ text: 'cafe', limit: 10 }))).toEqual(['m2', 'm1']);
    expect(ids(await index.query({ text: 'caf arbr', limit: 10 }))).toEqual(['m1']);
    expect(ids(await index.query({ text: 'Cafe', conversationId: 'c2', limit: 10 }))).toEqual([
      'm2',
    ]);
    expect(ids(await index.query({ text: 'cafe', limit: 1 }))).toEqual(['m2']);
    expect(await index.query({ text: 'train', limit: 10 })).toEqual([]);
  });

  it('updates and removes entries (edits, deletions, disappearing messages)', async () => {
    const { index } = openIndex(`search-${crypto.randomUUID()}`);
    await index.restore([]);
    await index.apply({ add: [message('m1', 'see you at the station')] });
    await index.apply({ add: [message('m1', 'a repeated apply is ignored')] });
    expect(ids(await index.query({ text: 'station', limit: 10 }))).toEqual(['m1']);
    expect(await index.query({ text: 'repeated', limit: 10 })).toEqual([]);

    await index.apply({ update: [message('m1', 'see you at the airport')] });
    expect(await index.query({ text: 'station', limit: 10 })).toEqual([]);
    // A hit carries the edited text and its sender, so a result needs no message row.
    expect(await index.query({ text: 'airp', limit: 10 })).toMatchObject([
      { id: 'm1', text: 'see you at the airport', senderId: 'alice', outgoing: false },
    ]);

    await index.apply({ remove: ['m1', 'never-indexed'] });
    expect(await index.query({ text: 'airport', limit: 10 })).toEqual([]);
  });

  it("keeps a message's text and file names together: found by either, removed and replaced as one", async () => {
    const name = `search-${crypto.randomUUID()}`;
    const { index } = openIndex(name);
    await index.restore([]);
    const withFile = (text: string, fileName: string) => [
      message('m1', text),
      { ...message('m1', fileName), id: 'm1/file/0', kind: 'file' as const },
    ];
    await index.apply({ add: withFile('the slides for monday', 'Quarterly-Report.pdf') });
    expect(await index.query({ text: 'quarterly', limit: 10 })).toMatchObject([
      { id: 'm1/file/0', kind: 'file', messageId: 'm1', text: 'Quarterly-Report.pdf' },
    ]);
    // An edit names the message's documents anew: the old file document does not linger.
    await index.apply({ update: [message('m1', 'the slides for tuesday')] });
    expect(await index.query({ text: 'quarterly', limit: 10 })).toEqual([]);
    expect(ids(await index.query({ text: 'tuesday', limit: 10 }))).toEqual(['m1']);

    await index.apply({ add: withFile('again', 'budget.xlsx') });
    await index.close();
    const reopened = openIndex(name).index;
    // A file document counts for its message when reconciling.
    expect(await reopened.restore(['m1'])).toEqual({ restored: 2, missing: [], removed: 0 });
    await reopened.apply({ remove: ['m1'] });
    expect(await reopened.query({ text: 'budget', limit: 10 })).toEqual([]);
    expect(await reopened.query({ text: 'tuesday', limit: 10 })).toEqual([]);
  });

  it('persists: a reopened index answers at once and reconciles with the messages held', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const first = openIndex(name);
    await first.index.restore([]);
    await first.index.apply({
      add: [message('m1', 'Grüße aus München'), message('m2', 'bis morgen')],
    });
    expect(first.timer.pending()).toBe(1);
    await first.index.close();
    expect(first.timer.pending()).toBe(0);

    const second = openIndex(name);
    // m2 was deleted while the index was closed; m3 arrived and was never indexed.
    const report = await second.index.restore(['m1', 'm3']);
    expect(report).toEqual({ restored: 2, missing: ['m3'], removed: 1 });
    expect(ids(await second.index.query({ text: 'grusse munch', limit: 10 }))).toEqual(['m1']);
    expect(await second.index.query({ text: 'morgen', limit: 10 })).toEqual([]);
    await second.index.close();
  });

  it('indexes anew what a thread without an index changed, and forgets that once saved', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const first = openIndex(name);
    await first.index.restore([]);
    await first.index.apply({ add: [message('m1', 'see you at the station')] });
    await first.index.close();

    const deferred = new DeferredSearchIndex({ databaseName: name });
    expect(await deferred.restore()).toEqual({ restored: 0, missing: [], removed: 0 });
    await deferred.apply({ update: [message('m1', 'see you at the airport')] });
    await deferred.close();

    // Preloaded, as in the Web Worker: the saved index is read before restore() asks for it.
    const second = new LocalSearchIndex({
      databaseName: name,
      schedule: manualScheduler().schedule,
      preload: true,
    });
    const report = await second.restore(['m1']);
    expect(report).toEqual({ restored: 1, missing: ['m1'], removed: 1 });
    expect(await second.query({ text: 'station', limit: 10 })).toEqual([]);
    await second.apply({ add: [message('m1', 'see you at the airport')] });
    await second.close();

    const third = openIndex(name);
    expect(await third.index.restore(['m1'])).toEqual({ restored: 1, missing: [], removed: 0 });
    expect(ids(await third.index.query({ text: 'airport', limit: 10 }))).toEqual(['m1']);
    await third.index.close();
  });

  it('re-indexes an edit the saved index missed (the tab closed before its next save)', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const { index } = openIndex(name);
    await index.restore([]);
    await index.apply({ add: [message('m1', 'see you at the station')] });
    await index.flush();
    await index.apply({ update: [message('m1', 'see you at the airport')] });
    // No flush, no close: the page went away with the edit only in memory.

    const reopened = openIndex(name).index;
    expect(await reopened.restore(['m1'])).toEqual({ restored: 1, missing: ['m1'], removed: 1 });
    expect(await reopened.query({ text: 'station', limit: 10 })).toEqual([]);
    await reopened.apply({ add: [message('m1', 'see you at the airport')] });
    await reopened.flush();
    // Saved with the edit: nothing is pending any more.
    expect(await openIndex(name).index.restore(['m1'])).toEqual({
      restored: 1,
      missing: [],
      removed: 0,
    });
  });

  it('saves when its timer fires, not before', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const { index, timer } = openIndex(name);
    await index.restore([]);
    await index.apply({ add: [message('m1', 'hello')] });
    expect((await openIndex(name).index.restore(['m1'])).restored).toBe(0);
    await index.flush();
    expect((await openIndex(name).index.restore(['m1'])).restored).toBe(1);
    expect(timer.pending()).toBe(0);
  });
});

describe('when the index is written', () => {
  it('a change postpones the pending write, at most MAX_SAVE_POSTPONEMENTS times', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const { index, timer } = openIndex(name);
    await index.restore([]);
    for (let n = 0; n <= MAX_SAVE_POSTPONEMENTS + 5; n++)
      await index.apply({ add: [message(`m${n}`, `word${n}`)] });
    // One write pending; the first change scheduled it and the next ones postponed it a bounded
    // number of times.
    expect(timer.pending()).toBe(1);
    expect(timer.scheduled()).toBe(MAX_SAVE_POSTPONEMENTS + 1);
    timer.fire();
    await index.flush();
    const report = await openIndex(name).index.restore([]);
    expect(report.restored).toBe(MAX_SAVE_POSTPONEMENTS + 6);
  });
});

describe('how often the index is written', () => {
  it('once the unsaved changes reach SAVE_FRACTION of it; flush writes the rest', async () => {
    const name = `search-${crypto.randomUUID()}`;
    const { index, timer } = openIndex(name);
    await index.restore([]);
    const size = 1 / SAVE_FRACTION; // 100 documents: a write is due every document from here.
    await index.apply({
      add: Array.from({ length: size }, (_, n) => message(`m${n}`, `word${n}`)),
    });
    timer.fire();
    await index.flush();
    // Now 100 documents: one more change is 1 %, a write is due again at once.
    await index.apply({ add: [message('one', 'one more')] });
    expect(timer.pending()).toBe(1);
    timer.fire();
    await index.flush();

    const big = openIndex(`search-${crypto.randomUUID()}`);
    await big.index.restore([]);
    await big.index.apply({
      add: Array.from({ length: 10 * size }, (_, n) => message(`b${n}`, `word${n}`)),
    });
    big.timer.fire();
    await big.index.flush();
    // 1,000 documents: 9 changes (0.9 %) are not worth a write yet, the 10th is.
    for (let n = 0; n < 9; n++) await big.index.apply({ add: [message(`c${n}`, 'more')] });
    expect(big.timer.pending()).toBe(0);
    await big.index.apply({ add: [message('c9', 'more')] });
    expect(big.timer.pending()).toBe(1);
  });
});

describe('the index across postMessage (as in a Web Worker)', () => {
  it('answers requests and reports failures as errors', async () => {
    const { port1, port2 } = new MessageChannel();
    const { index } = openIndex(`search-${crypto.randomUUID()}`);
    // Node types its MessagePort's listeners as plain Events; at run time they are MessageEvents.
    serveSearchBackend(port1 as unknown as MessageEndpoint, index);
    const client = new WorkerSearchBackend(port2 as unknown as MessageEndpoint);
    try {
      await client.restore([]);
      await client.apply({ add: [message('m1', '東京で会議があります')] });
      expect(ids(await client.query({ text: '会議', limit: 10 }))).toEqual(['m1']);
      await expect(client.query(undefined as never)).rejects.toBeInstanceOf(SearchWorkerError);
    } finally {
      port1.close();
      port2.close();
    }
  });
});
