import { afterAll, beforeAll } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import type { WebSocketConstructor } from '../../src/transport/websocket.js';
import { nodeAutomerge } from '../../src/native.js';
import { createMessenger } from '../../src/index.js';
import { localSearchBackend } from '../../src/search/index.js';
import * as callsKit from '../../src/calls/calls-kit.js';
import * as provisioning from '../../src/linking/provisioning.js';
import type { MessengerOptions } from '../../src/facade/create-messenger.js';
import { engines } from '../engine/engines.js';
import WebSocket from 'ws';
import { RelayProcess } from './relay-process.js';
import { texts, waitFor } from './wait.js';

let counter = 0;

/**
 * One real relay process per test file, the messengers opened against it (closed after the
 * file), and every plaintext the file sent, for the "relay never sees plaintext" check.
 */
/** A relay token bucket, as `--rate-limits` takes it. */
interface Bucket {
  burst: number;
  perSecond: number;
}

/**
 * Every test client connects from 127.0.0.1, so the relay's per-address limits (registrations,
 * device links, connections) would count a whole test file as one abuser: they are lifted here.
 * Other limits keep their defaults unless a test overrides them by name.
 */
const UNLIMITED: Bucket = { burst: 1_000_000, perSecond: 1_000_000 };
const PER_ADDRESS_LIFTED: Record<string, Bucket> = {
  registrationsPerAddress: UNLIMITED,
  linksPerAddress: UNLIMITED,
  provisioningPerAddress: UNLIMITED,
  connectionsPerAddress: UNLIMITED,
};

/**
 * `relayArgs` go to the relay process after the defaults; `rateLimits` override the relay's
 * token buckets by name (protocol's RATE_LIMITS), on top of the per-address ones lifted above.
 */
export function useRelay(relayArgs: string[] = [], rateLimits: Record<string, Bucket> = {}) {
  const fixture = {
    relay: undefined as unknown as RelayProcess,
    open: new Set<Messenger>(),
    plaintexts: [] as string[],
    /** A unique message text, recorded for the plaintext scan. */
    text(label: string): string {
      const text = `${label} ${crypto.randomUUID()}`;
      fixture.plaintexts.push(text);
      return text;
    },
    /** Registers both under fresh usernames and opens their direct conversation. */
    async meet(alice: Messenger, bob: Messenger): Promise<string> {
      const bobName = uniqueUsername('bob');
      await alice.register(uniqueUsername('alice'));
      await bob.register(bobName);
      return alice.openDirectConversation(bobName);
    },
    /** Alice sends a first message and waits until Bob shows it; returns its text. */
    async warmUp(alice: Messenger, bob: Messenger, conversation: string): Promise<string> {
      const warmup = fixture.text('warm-up');
      await alice.sendText(conversation, warmup);
      await waitFor(() => texts(bob, conversation).includes(warmup), 'warm-up');
      return warmup;
    },
    async messenger(
      databaseName = `device-${process.pid}-${++counter}`,
      WebSocketImpl: WebSocketConstructor = WebSocket,
      engine: MessengerOptions['engine'] = engines[0]!.engine,
      options: Pick<
        MessengerOptions,
        | 'outboxLingerMs'
        | 'ackDelayMs'
        | 'clock'
        | 'expiryWindow'
        | 'platform'
        | 'sealing'
        | 'timelinePage'
        | 'firstScreenFirst'
      > &
        Partial<Pick<MessengerOptions, 'searchBackend'>> = {},
    ) {
      const m = await createMessenger({
        relayUrl: fixture.relay.url,
        databaseName,
        engine,
        automerge: nodeAutomerge,
        WebSocket: WebSocketImpl,
        searchBackend: localSearchBackend,
        calls: async () => callsKit,
        provisioning: async () => provisioning,
        ...options,
      });
      fixture.open.add(m);
      const close = m.close.bind(m);
      m.close = async () => {
        fixture.open.delete(m);
        await close();
      };
      return m;
    },
  };
  beforeAll(async () => {
    fixture.relay = await RelayProcess.start([
      '--log-level',
      'debug',
      '--rate-limits',
      JSON.stringify({ ...PER_ADDRESS_LIFTED, ...rateLimits }),
      '--max-connections-per-address',
      '1000000',
      ...relayArgs,
    ]);
  });
  afterAll(async () => {
    for (const m of [...fixture.open]) await m.close();
    await fixture.relay.stop();
  });
  return fixture;
}

export function uniqueUsername(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}${(++counter).toString(36)}`;
}
