/**
 * One benchmark client (one device: its own messenger, its own IndexedDB) in a worker thread, as
 * devices run on their own CPUs rather than sharing one event loop. The main thread drives it
 * with `ClientThread.call`; times are read on a clock shared by all threads of the process
 * (`performance.timeOrigin + performance.now()`).
 */
import 'fake-indexeddb/auto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import WebSocket from 'ws';
import { createMessenger } from '../src/index.js';
import type { Messenger } from '../src/facade/api.js';
import { nativeEngine, nodeAutomerge } from '../src/native.js';
import { localSearchBackend } from '../src/search/index.js';
import * as callsKit from '../src/calls/calls-kit.js';
import * as provisioning from '../src/linking/provisioning.js';
import { sharedNow, threadUsage, type ThreadUsage } from './measure.js';

export interface IndexedDbCalls {
  transactions: number;
  requests: number;
}

export interface Sent {
  id: string;
  at: number;
}

interface Commands {
  open(args: { relayUrl: string; databaseName: string; coalesceOutbox: boolean }): void;
  register(args: { username: string }): void;
  openDirect(args: { username: string }): string;
  send(args: { conversation: string; text: string }): Sent;
  /** Sends `perSecond` messages a second for `seconds`, each timed when sendText is called. */
  rate(args: { conversation: string; perSecond: number; seconds: number; label: string }): Sent[];
  /** Sends `count` messages at once. */
  burst(args: { conversation: string; count: number; label: string }): Sent[];
  /**
   * When this device applied each of `ids` (its 'messages-received' event: durably projected),
   * waiting up to `timeoutMs` for the missing ones; null for one that never arrived.
   */
  received(args: { ids: string[]; timeoutMs: number }): Array<number | null>;
  /** Resolves once none of `ids` is pending any more (the relay has them). */
  waitSent(args: { conversation: string; ids: string[] }): void;
  settled(): void;
  /** CPU time this thread used so far, and how often it slept and woke (Linux /proc; NaN elsewhere). */
  cpu(): ThreadUsage;
  /** IndexedDB transactions and requests this thread made so far. */
  indexedDbCalls(): IndexedDbCalls;
  /** Starts V8's CPU profiler on this thread (BENCH_PROFILE). */
  profileStart(): void;
  /** Stops it and writes the profile (.cpuprofile, for Chrome DevTools) to `path`. */
  profileStop(args: { path: string }): void;
  close(): void;
}

type Command = keyof Commands;
type Request = { id: number; command: Command; args: unknown };
type Reply = { id: number; result?: unknown; error?: string };

/** The main thread's handle on one client thread. */
export class ClientThread {
  private readonly worker = new Worker(new URL(import.meta.url));
  private nextId = 1;
  private readonly calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor() {
    this.worker.on('message', (reply: Reply) => {
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      if (reply.error !== undefined) call?.reject(new Error(reply.error));
      else call?.resolve(reply.result);
    });
    this.worker.on('error', (error) => {
      for (const call of this.calls.values()) call.reject(error);
      this.calls.clear();
    });
  }

  call<C extends Command>(
    command: C,
    ...args: Parameters<Commands[C]>
  ): Promise<Awaited<ReturnType<Commands[C]>>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, command, args: args[0] } satisfies Request);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

// --- Inside the worker

/**
 * Receive times, kept in the device's thread and collected after a phase: posting them to the
 * main thread as they happen cost the receivers ~7% of their CPU during the measured phase.
 */
class Arrivals {
  readonly at = new Map<string, number>();
  private wakers: Array<() => void> = [];

  record(ids: string[]): void {
    const now = sharedNow();
    for (const id of ids) if (!this.at.has(id)) this.at.set(id, now);
    for (const wake of this.wakers.splice(0)) wake();
  }

  async until(ids: string[], timeoutMs: number): Promise<void> {
    const deadline = sharedNow() + timeoutMs;
    let next = 0;
    for (;;) {
      while (next < ids.length && this.at.has(ids[next] as string)) next++;
      if (next === ids.length || sharedNow() > deadline) return;
      await new Promise<void>((resolve) => {
        this.wakers.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }
}

const arrivals = new Arrivals();

function serve(): void {
  const port = parentPort;
  if (!port) return;
  let messenger: Messenger | undefined;
  let profiler: Session | undefined;
  const current = (): Messenger => {
    if (!messenger) throw new Error('no messenger open in this thread');
    return messenger;
  };
  const commands: {
    [C in Command]: (args: Parameters<Commands[C]>[0]) => Promise<ReturnType<Commands[C]>>;
  } = {
    async open({ relayUrl, databaseName, coalesceOutbox }) {
      messenger = await createMessenger({
        automerge: nodeAutomerge,
        relayUrl,
        databaseName,
        engine: nativeEngine,
        WebSocket,
        coalesceOutbox,
        searchBackend: localSearchBackend,
        calls: async () => callsKit,
        provisioning: async () => provisioning,
        // BENCH_LINGER: the outbox's linger window in ms (default: the messenger's own).
        ...(process.env.BENCH_LINGER ? { outboxLingerMs: Number(process.env.BENCH_LINGER) } : {}),
      });
      messenger.on((event) => {
        if (event.type === 'messages-received') arrivals.record(event.messageIds);
      });
    },
    async register({ username }) {
      await current().register(username);
    },
    openDirect: ({ username }) => current().openDirectConversation(username),
    async send({ conversation, text }) {
      const at = sharedNow();
      return { id: await current().sendText(conversation, text), at };
    },
    async rate({ conversation, perSecond, seconds, label }) {
      const sends: Promise<Sent>[] = [];
      const start = performance.now();
      let due = 0;
      while (performance.now() - start < seconds * 1000) {
        const target = Math.floor(((performance.now() - start) / 1000) * perSecond);
        for (; due < target; due++) {
          const at = sharedNow();
          sends.push(
            current()
              .sendText(conversation, `${label} #${due}`)
              .then((id) => ({ id, at })),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return Promise.all(sends);
    },
    async burst({ conversation, count, label }) {
      const at = sharedNow();
      const ids = await Promise.all(
        Array.from({ length: count }, (_, i) => current().sendText(conversation, `${label} #${i}`)),
      );
      return ids.map((id) => ({ id, at }));
    },
    async received({ ids, timeoutMs }) {
      await arrivals.until(ids, timeoutMs);
      return ids.map((id) => arrivals.at.get(id) ?? null);
    },
    async waitSent({ conversation, ids }) {
      const messages = current().messages(conversation);
      for (;;) {
        const pending = new Set(
          messages
            .getSnapshot()
            .filter((m) => m.status === 'pending')
            .map((m) => m.id),
        );
        if (ids.every((id) => !pending.has(id))) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    settled: () => current().settled(),
    async cpu() {
      return threadUsage();
    },
    async indexedDbCalls() {
      return { ...indexedDbCalls };
    },
    async profileStart() {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    },
    async profileStop({ path }) {
      if (!profiler) return;
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(path, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
    },
    async close() {
      await messenger?.close();
      messenger = undefined;
    },
  };
  port.on('message', ({ id, command, args }: Request) => {
    (commands[command] as (args: unknown) => Promise<unknown>)(args).then(
      (result) => port.postMessage({ id, result } satisfies Reply),
      (error: unknown) =>
        port.postMessage({
          id,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        } satisfies Reply),
    );
  });
}

/**
 * Counts of this thread's IndexedDB transactions and requests: fake-indexeddb runs every request
 * as its own event-loop task with a structured clone, so the count is a cost the profile spreads
 * thin. Requests are counted where fake-indexeddb 6 queues them (`_execRequestAsync`, internal).
 */
const indexedDbCalls: IndexedDbCalls = { transactions: 0, requests: 0 };

function countIndexedDbCalls(): void {
  const count = (
    prototype: Record<string, unknown> | undefined,
    method: string,
    key: keyof IndexedDbCalls,
  ) => {
    const original = prototype?.[method];
    if (!prototype || typeof original !== 'function') return;
    prototype[method] = function (this: unknown, ...args: unknown[]) {
      indexedDbCalls[key]++;
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  };
  const global = globalThis as unknown as Record<string, { prototype?: Record<string, unknown> }>;
  count(global.IDBDatabase?.prototype, 'transaction', 'transactions');
  count(global.IDBTransaction?.prototype, '_execRequestAsync', 'requests');
}

if (!isMainThread) {
  countIndexedDbCalls();
  serve();
}
