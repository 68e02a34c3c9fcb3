/**
 * bench:open-chat — opening a stored chat of 100,000 messages in core (docs/decisions/0820,
 * "Sealed segments"): load the conversation, decode its document and build the newest page of
 * views, as a click on the chat does. Two devices hold the same chat: one as every device did
 * before sealing (one document of 100,000 entries), one after its compaction sealed all but the
 * live window (2,000-2,999 entries live, the rest in segments). Runs alternate; medians are
 * printed, with the heap the open retains and the machine's load. The storage is the
 * in-memory store, so the figures are core's decoding and view work, not IndexedDB's reads
 * (bench:web's open_chat_100k_ms measures the whole click in Chromium).
 *
 * Run with `npm run bench:open-chat -w @parley/core` (node --expose-gc).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ConversationDoc } from '../src/conversations/conversation-doc.js';
import { Conversations } from '../src/conversations/conversations.js';
import { TIMELINE_PAGE } from '../src/facade/live-views.js';
import { offlineViews } from '../src/test-support/offline-views.js';
import { MemoryStore } from '../src/store/memory-store.js';
import { storeDirectChat } from '../src/test-support/stored-chat.js';

const MESSAGES = 100_000;
const RUNS = 5;
const gc = (globalThis as { gc?: () => void }).gc;

async function storedChat(): Promise<MemoryStore> {
  const store = new MemoryStore();
  const doc = new ConversationDoc('chat');
  doc.initDirect({ accountId: 'self', username: 'me' }, { accountId: 'peer', username: 'pal' });
  const now = Date.now();
  doc.appendMessages(
    Array.from({ length: MESSAGES }, (_, n) => ({
      id: crypto.randomUUID(),
      kind: 'text' as const,
      senderId: n % 2 === 1 ? 'self' : 'peer',
      senderDeviceId: 1,
      sentAt: now - (MESSAGES - n) * 60_000,
      body: `Seeded message ${n + 1} of ${MESSAGES}`,
    })),
  );
  await storeDirectChat(store, doc, { updatedAt: now, status: 'read' });
  return store;
}

/**
 * Opens the chat as a click does: start-up's load (every row of the projection, the same for
 * both devices) is timed apart from the open (the document decoded and the newest page of views
 * built). Returns both times and the heap the open retains beyond the load.
 */
async function open(
  store: MemoryStore,
): Promise<{ loadMs: number; ms: number; heapMb: number; live: number }> {
  const loadStarted = performance.now();
  const conversations = new Conversations({
    store,
    selfAccountId: () => 'self',
    changed: () => {},
  });
  await conversations.load();
  await conversations.ensure(conversations.all().map((model) => model.row.id));
  const loadMs = performance.now() - loadStarted;
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const views = offlineViews(conversations, { timelinePage: TIMELINE_PAGE });
  const shown = views.messages('chat').getSnapshot().length;
  const ms = performance.now() - started;
  if (shown !== TIMELINE_PAGE) throw new Error(`expected a page of ${TIMELINE_PAGE}, got ${shown}`);
  gc?.();
  const heapMb = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  const live = conversations.get('chat')!.doc.messageCount;
  // The models above must still be alive when the heap is read.
  if (!views.messages('chat').getSnapshot()) throw new Error('unreachable');
  return { loadMs, ms, heapMb, live };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const round = (value: number) => Math.round(value * 10) / 10;

async function main(): Promise<void> {
  const whole = await storedChat();
  const sealed = await storedChat();
  const conversations = new Conversations({
    store: sealed,
    selfAccountId: () => 'self',
    changed: () => {},
  });
  await conversations.load();
  await conversations.ensure(conversations.all().map((model) => model.row.id));
  // A document from before sealing is sealed over several compactions, 10 segments each.
  const model = conversations.get('chat')!;
  const compactions: number[] = [];
  while (model.doc.timeline().length >= 3_000) {
    const started = performance.now();
    await conversations.compactIfNeeded(model, true);
    compactions.push(performance.now() - started);
  }
  type Opened = Awaited<ReturnType<typeof open>>;
  const results: { whole: Opened[]; sealed: Opened[] } = { whole: [], sealed: [] };
  for (let run = 0; run < RUNS; run++) {
    results.whole.push(await open(whole));
    results.sealed.push(await open(sealed));
  }
  const figures = {
    load_projection_ms: round(median([...results.whole, ...results.sealed].map((r) => r.loadMs))),
    open_chat_100k_whole_ms: round(median(results.whole.map((r) => r.ms))),
    open_chat_100k_sealed_ms: round(median(results.sealed.map((r) => r.ms))),
    heap_whole_mb: round(median(results.whole.map((r) => r.heapMb))),
    heap_sealed_mb: round(median(results.sealed.map((r) => r.heapMb))),
    live_entries_sealed: results.sealed[0]!.live,
    segments: sealed.segments.size,
    sealing_compactions: compactions.length,
    sealing_compaction_max_ms: round(Math.max(...compactions)),
    snapshot_whole_kb: round(whole.snapshots.get('chat')!.snapshot.length / 1024),
    snapshot_sealed_kb: round(sealed.snapshots.get('chat')!.snapshot.length / 1024),
    segments_kb: round(
      [...sealed.segments.values()].reduce((sum, row) => sum + row.bytes.length, 0) / 1024,
    ),
    load: loadavg().map(round),
  };
  console.log(`opening a chat of ${MESSAGES} messages, median of ${RUNS} alternating runs`);
  console.log(JSON.stringify(figures));
}

await main();
