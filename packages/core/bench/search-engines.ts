/**
 * `npm run bench:search-engines -w @parley/core`: the candidate full-text engines on our workload
 * (docs/decisions/0700-search-engine.md). Each engine indexes the same seeded 100,000-message
 * multilingual corpus over 200 chats through core's own tokenizer, then answers the same prefix
 * queries. Printed per engine: build time, incremental add cost per message, query p50/p95,
 * serialized size, heap held by the index. Node (run with --expose-gc); one engine at a time.
 */
import { Index as FlexIndex } from 'flexsearch';
import MiniSearch from 'minisearch';
import { create, insert, insertMultiple, save, search as oramaSearch } from '@orama/orama';
import { corpus, CORPUS_QUERIES } from '../src/test-support/search-corpus.js';
import { terms } from '../src/search/tokenizer.js';

const MESSAGES = 100_000;
const CHATS = 200;
const INCREMENTAL = 2_000;
const QUERY_ROUNDS = 20;
const RESULT_LIMIT = 50;

interface Doc {
  id: string;
  conversationId: string;
  text: string;
}

interface Engine {
  name: string;
  build(docs: Doc[]): Promise<void> | void;
  add(doc: Doc): Promise<void> | void;
  query(text: string): Promise<number> | number;
  serializedBytes(): Promise<number> | number;
}

function miniSearch(): Engine {
  const index = new MiniSearch<Doc>({
    fields: ['text'],
    storeFields: ['conversationId'],
    tokenize: terms,
    processTerm: (term) => term,
    searchOptions: { prefix: true, combineWith: 'AND' },
  });
  return {
    name: 'minisearch 7.2',
    build: (docs) => index.addAll(docs),
    add: (doc) => index.add(doc),
    query: (text) => index.search(text).slice(0, RESULT_LIMIT).length,
    serializedBytes: () => new TextEncoder().encode(JSON.stringify(index)).length,
  };
}

function flexSearch(): Engine {
  // 'forward' indexes every prefix of every term: prefix queries are plain look-ups.
  const index = new FlexIndex({ tokenize: 'forward', encode: terms, cache: false });
  return {
    name: 'flexsearch 0.8 (forward)',
    build: (docs) => {
      for (const doc of docs) index.add(doc.id, doc.text);
    },
    add: (doc) => void index.add(doc.id, doc.text),
    query: (text) => index.search(text, { limit: RESULT_LIMIT }).length,
    serializedBytes: () => {
      let bytes = 0;
      index.export((_key: string, data: string) => {
        bytes += new TextEncoder().encode(data ?? '').length;
      });
      return bytes;
    },
  };
}

function orama(): Engine {
  const db = create({
    schema: { conversationId: 'string', text: 'string' } as const,
    components: {
      tokenizer: {
        language: 'english',
        normalizationCache: new Map(),
        tokenize: (raw: string) => terms(raw),
      },
    },
  });
  return {
    name: 'orama 3.1',
    build: async (docs) => void (await insertMultiple(db, docs, 1000)),
    add: async (doc) => void (await insert(db, doc)),
    query: async (text) =>
      (await oramaSearch(db, { term: text, properties: ['text'], limit: RESULT_LIMIT })).hits
        .length,
    serializedBytes: () => new TextEncoder().encode(JSON.stringify(save(db))).length,
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1e6;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function measure(make: () => Engine, docs: Doc[], extra: Doc[]) {
  const heapBefore = heapMb();
  const engine = make();
  let start = performance.now();
  await engine.build(docs);
  const buildS = (performance.now() - start) / 1000;
  start = performance.now();
  for (const doc of extra) await engine.add(doc);
  const addMs = (performance.now() - start) / extra.length;
  const heap = heapMb() - heapBefore;
  const times: number[] = [];
  let hits = 0;
  for (let round = 0; round < QUERY_ROUNDS; round++) {
    for (const query of CORPUS_QUERIES) {
      start = performance.now();
      hits += await engine.query(query);
      times.push(performance.now() - start);
    }
  }
  const bytes = await engine.serializedBytes();
  return {
    engine: engine.name,
    build_s: round(buildS),
    add_ms_per_message: round(addMs, 3),
    query_p50_ms: round(percentile(times, 50)),
    query_p95_ms: round(percentile(times, 95)),
    serialized_mb: round(bytes / 1e6),
    heap_mb: round(heap),
    hits_per_query: Math.round(hits / times.length),
  };
}

async function main(): Promise<void> {
  const bodies = corpus(MESSAGES + INCREMENTAL, 7);
  const all = bodies.map((text, n) => ({ id: `m${n}`, conversationId: `c${n % CHATS}`, text }));
  const docs = all.slice(0, MESSAGES);
  const extra = all.slice(MESSAGES);
  const only = process.argv[2];
  const engines = { minisearch: miniSearch, flexsearch: flexSearch, orama };
  const results = [];
  for (const [name, make] of Object.entries(engines)) {
    if (only && only !== name) continue;
    const result = await measure(make, docs, extra);
    console.log(JSON.stringify(result));
    results.push(result);
  }
  console.log(JSON.stringify({ bench: 'search-engines', messages: MESSAGES, results }));
}

await main();
