import { create, toBinary } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CloseCode,
  FrameSchema,
  MAX_ACK_IDS,
  MAX_FRAME_BYTES,
  SOCKET_BUFFER_SOFT_BYTES,
} from '@parley/protocol';
import type { Credentials, RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, text, type TestAccount } from '../support/accounts.js';
import { startTestRelay, type TestRelay } from '../support/relay-harness.js';

/**
 * Findings 1 and 2 of issue #12: one socket must not stall the relay or grow its memory. Each
 * attack runs while a well-behaved pair keeps exchanging messages, and the test asserts that
 * pair's messages are answered during the attack (not after it).
 */
describe('backpressure: no socket can hurt another', () => {
  let t: TestRelay;
  let good: { sender: RelaySocket; receiver: RelaySocket; to: TestAccount; round: number };
  let mallory: TestAccount;

  const goodClientWorks = async () => {
    const round = ++good.round;
    await good.sender.send(`good-${round}`, [
      { destination: address(good.to.devices[0]!), content: bytes(`round ${round}`) },
    ]);
    const [envelope] = await good.receiver.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe(`round ${round}`);
    good.receiver.ack([envelope!.serverId]);
  };

  /** A raw socket, authenticated as `device` unless told otherwise. */
  const rawSocket = async (device?: Credentials) => {
    const ws = new WebSocket(`${t.relay.url.replace('http', 'ws')}/v1/websocket`);
    const frames: Buffer[] = [];
    let onFrame = () => {};
    ws.on('message', (data) => {
      frames.push(data as Buffer);
      onFrame();
    });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    if (device) {
      const answered = new Promise<void>((resolve) => (onFrame = resolve));
      ws.send(frame({ case: 'auth', value: { ...device } as never }, 1));
      await answered;
      onFrame = () => {};
    }
    return { ws, frames, closed };
  };

  const frame = (body: never | { case: 'auth'; value: never } | { case: undefined }, id: number) =>
    toBinary(FrameSchema, create(FrameSchema, { kind: { case: 'request', value: { id, body } } }));

  /** An Ack frame with `count` ids, packed (field 4 { field 1 packed varints }). */
  const ackFrame = (count: number) => {
    const ids = toBinary(
      FrameSchema,
      create(FrameSchema, {
        kind: {
          case: 'ack',
          value: { serverIds: Array.from({ length: count }, (_, i) => BigInt(i + 1)) },
        },
      }),
    );
    return ids;
  };

  beforeAll(async () => {
    t = await startTestRelay();
    const from = await registerAccount(t.client, 1);
    const to = await registerAccount(t.client, 1);
    good = {
      sender: await t.client.connect(from.devices[0]!),
      receiver: await t.client.connect(to.devices[0]!),
      to,
      round: 0,
    };
    mallory = await registerAccount(t.client, 1);
  });
  afterAll(async () => {
    good.sender.close();
    good.receiver.close();
    await t.stop();
  });

  it('refuses an ack frame past MAX_ACK_IDS (4400) and serves others meanwhile', async () => {
    const attacker = await rawSocket(mallory.devices[0]!);
    const huge = ackFrame(Math.floor(MAX_FRAME_BYTES / 4)); // ~1 M ids, under the frame cap
    expect(huge.length).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    attacker.ws.send(huge);
    const answered = goodClientWorks();
    expect(await attacker.closed).toBe(CloseCode.PROTOCOL_ERROR);
    await answered;

    // At the cap an ack is accepted: the socket stays open and is still served.
    const fair = await rawSocket(mallory.devices[0]!);
    fair.ws.send(ackFrame(MAX_ACK_IDS));
    fair.ws.send(ackFrame(MAX_ACK_IDS + 1));
    expect(await fair.closed).toBe(CloseCode.PROTOCOL_ERROR); // the second one only
    await goodClientWorks();
  });

  it('closes an unauthenticated socket on its first other frame, answering nothing', async () => {
    const stranger = await rawSocket();
    for (let id = 1; id <= 1000; id++) stranger.ws.send(frame({ case: undefined }, id));
    expect(await stranger.closed).toBe(CloseCode.UNAUTHENTICATED);
    expect(stranger.frames).toHaveLength(0);
    await goodClientWorks();
  });

  it('stops reading a socket that does not read its answers, keeping its queue bounded', async () => {
    const attacker = await rawSocket(mallory.devices[0]!);
    // Its auth result and the `drained` push (an empty mailbox) come first.
    await vi.waitFor(() => expect(attacker.frames).toHaveLength(2), { interval: 20 });
    attacker.ws.pause(); // never reads: the kernel buffers fill, then the relay's queue grows
    // Empty requests, each answered MALFORMED (about 40 bytes): 20 times the soft limit.
    const requests = Math.ceil((20 * SOCKET_BUFFER_SOFT_BYTES) / 40);
    const chunk = 5_000;
    let sent = 0;
    const flood = async () => {
      while (sent < requests && attacker.ws.readyState === WebSocket.OPEN) {
        for (let i = 0; i < chunk; i++) attacker.ws.send(frame({ case: undefined }, ++sent));
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const flooding = flood();
    // The relay pauses this reader (an event in the relay, polled; no fixed sleep).
    // (Bounded generously: the kernel's loopback buffers take several MB first, and the
    // relay shares two cores with the rest of the suite.)
    await vi.waitFor(() => expect(t.relay.backpressure().pausedReaders).toBe(1), {
      timeout: 300_000,
      interval: 20,
    });
    for (let i = 0; i < 5; i++) await goodClientWorks(); // answered while the attack runs
    await flooding;
    const { largestQueueBytes } = t.relay.backpressure();
    // Without the pause its queue would hold every answer (20 times the soft limit).
    expect(largestQueueBytes).toBeLessThan(2 * SOCKET_BUFFER_SOFT_BYTES);
    // Once it reads again, it gets every answer: paused, not dropped.
    attacker.ws.resume();
    await vi.waitFor(() => expect(attacker.frames.length).toBe(2 + sent), {
      timeout: 120_000,
      interval: 50,
    });
    expect(t.relay.backpressure().pausedReaders).toBe(0);
    attacker.ws.close();
  }, 600_000);
});
