import type { DexieOptions } from 'dexie';
import type { SignalEngine } from '../crypto/engine.js';
import { OUTBOX_LINGER_MS } from '../delivery/outbox.js';
import { ParleyDatabase } from '../store/database.js';
import { ACK_DELAY_MS } from '../transport/relay-connection.js';
import type { WebSocketConstructor } from '../transport/websocket.js';
import type { Messenger } from './api.js';
import { ParleyMessenger } from './messenger.js';

export interface MessengerOptions {
  /** The relay's base URL, e.g. `https://relay.example` (its WebSocket is derived from it). */
  relayUrl: string;
  /** IndexedDB database of this device; reopening the same name restores the account. */
  databaseName: string;
  /** The Signal engine: `nativeEngine` from `@parley/core/native`, or the TypeScript engine. */
  engine: SignalEngine;
  /** WebSocket constructor; defaults to the global one (browsers, Node >= 22). Node 20: pass `ws`. */
  WebSocket?: WebSocketConstructor;
  /** IndexedDB implementation; defaults to the global one. Node tests pass fake-indexeddb here or globally. */
  indexedDB?: Pick<DexieOptions, 'indexedDB' | 'IDBKeyRange'>;
  /**
   * Merge queued messages of one conversation into one envelope when several wait in the outbox
   * (default true). Benchmarks turn it off to produce one envelope per message.
   */
  coalesceOutbox?: boolean;
  /**
   * How long an idle outbox waits for more rows before sending (default OUTBOX_LINGER_MS, a few
   * ms): rows committed meanwhile share one envelope. 0 sends at once (benchmark comparisons).
   */
  outboxLingerMs?: number;
  /**
   * How long acks wait to share a frame with later ones (default ACK_DELAY_MS); 0 acks every
   * committed batch at once (tests).
   */
  ackDelayMs?: number;
}

/** Opens (or creates) this device's database, restores its account if any, and connects. */
export async function createMessenger(options: MessengerOptions): Promise<Messenger> {
  const WebSocketImpl =
    options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!WebSocketImpl) throw new TypeError('no WebSocket implementation: pass options.WebSocket');
  const db = new ParleyDatabase(options.databaseName, options.indexedDB);
  await db.open();
  const messenger = new ParleyMessenger({
    relayUrl: options.relayUrl,
    engine: options.engine,
    db,
    WebSocket: WebSocketImpl,
    coalesceOutbox: options.coalesceOutbox ?? true,
    outboxLingerMs: options.outboxLingerMs ?? OUTBOX_LINGER_MS,
    ackDelayMs: options.ackDelayMs ?? ACK_DELAY_MS,
  });
  await messenger.open();
  return messenger;
}
