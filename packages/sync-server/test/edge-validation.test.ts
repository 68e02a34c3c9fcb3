import { create, toBinary } from '@bufbuild/protobuf';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloseCode,
  ErrorCode,
  FrameSchema,
  MAX_CONTENT_BYTES,
  MAX_FRAME_BYTES,
  MAX_HTTP_BODY_BYTES,
} from '@parley/protocol';
import type { RelayHttpError, RelayRequestError } from '@parley/relay-client';
import { basicAuthorization, type RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, text, type TestAccount } from './support/accounts.js';
import { rejection } from './support/rejection.js';
import { startTestRelay, type TestRelay } from './support/relay-harness.js';

/**
 * Bad input of every kind gets a clear error and closes at most its own socket, while a
 * well-behaved pair of devices on the same relay keeps exchanging messages throughout.
 */
describe('validation at the edge and isolation between clients', () => {
  let t: TestRelay;
  let good: { sender: RelaySocket; receiver: RelaySocket; to: TestAccount; round: number };
  let mallory: TestAccount;
  let victim: TestAccount;

  const goodClientStillWorks = async () => {
    const round = ++good.round;
    await good.sender.send(`good-${round}`, [
      { destination: address(good.to.devices[0]!), content: bytes(`round ${round}`) },
    ]);
    const [envelope] = await good.receiver.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe(`round ${round}`);
    good.receiver.ack([envelope!.serverId]);
  };

  const rawSocket = async () => {
    const ws = new WebSocket(`${t.relay.url.replace('http', 'ws')}/v1/websocket`);
    const frames: Buffer[] = [];
    ws.on('message', (data) => frames.push(data as Buffer));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('error', () => undefined);
    await new Promise((resolve) => ws.once('open', resolve));
    return { ws, frames, closed };
  };

  const httpFails = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('request succeeded'),
      (error: unknown) => error as RelayHttpError,
    );

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
    victim = await registerAccount(t.client, 2, { oneTimePreKeys: 2 });
  });
  afterAll(async () => {
    good.sender.close();
    good.receiver.close();
    await t.stop();
  });

  it('closes a socket that sends text, garbage or an oversized frame', async () => {
    const text = await rawSocket();
    text.ws.send('hello');
    expect(await text.closed).toBe(CloseCode.PROTOCOL_ERROR);
    await goodClientStillWorks();

    const garbage = await rawSocket();
    garbage.ws.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(await garbage.closed).toBe(CloseCode.PROTOCOL_ERROR);
    await goodClientStillWorks();

    const huge = await rawSocket();
    huge.ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1));
    expect(await huge.closed).toBe(1009); // ws: message too big
    await goodClientStillWorks();
  });

  it('closes a socket on its first frame before authentication, answering nothing', async () => {
    const anonymous = await t.client.connect(mallory.devices[0]!, { authenticate: false });
    // No answer comes: the pending send fails only because the socket closes (4401).
    await expect(
      anonymous.send('x', [{ destination: address(victim.devices[0]!), content: bytes('x') }]),
    ).rejects.toThrow(/socket closed \(4401/);
    expect((await anonymous.closed).code).toBe(CloseCode.UNAUTHENTICATED);

    const wrong = { ...mallory.devices[0]!, secret: 'A'.repeat(43) };
    await expect(t.client.connect(wrong)).rejects.toThrow(/UNAUTHENTICATED/);
    expect((await httpFails(t.client.listDevices(wrong))).status).toBe(401);
    expect((await httpFails(t.client.request('GET', '/v1/devices'))).code).toBe('UNAUTHENTICATED');
    await goodClientStillWorks();
  });

  it('answers malformed and oversized sends with an error and keeps the socket', async () => {
    const socket = await t.client.connect(mallory.devices[0]!);
    const to = address(good.to.devices[0]!);
    const cases: [string, Parameters<RelaySocket['send']>, ErrorCode][] = [
      ['empty client id', ['', [{ destination: to, content: bytes('x') }]], ErrorCode.MALFORMED],
      ['no destinations', ['a', []], ErrorCode.MALFORMED],
      [
        'empty content',
        ['b', [{ destination: to, content: new Uint8Array() }]],
        ErrorCode.MALFORMED,
      ],
      [
        'to itself',
        ['c', [{ destination: address(mallory.devices[0]!), content: bytes('x') }]],
        ErrorCode.MALFORMED,
      ],
      [
        'twice',
        [
          'd',
          [
            { destination: to, content: bytes('x') },
            { destination: to, content: bytes('x') },
          ],
        ],
        ErrorCode.MALFORMED,
      ],
      [
        'too large',
        ['e', [{ destination: to, content: new Uint8Array(MAX_CONTENT_BYTES + 1) }]],
        ErrorCode.TOO_LARGE,
      ],
    ];
    for (const [name, args, code] of cases) {
      const error = await socket.send(...args).then(
        () => expect.fail(`${name} was accepted`),
        (e: unknown) => e as RelayRequestError,
      );
      expect(error.code, name).toBe(code);
    }
    // A client may not send responses or pushes.
    socket.sendRaw(
      toBinary(FrameSchema, create(FrameSchema, { kind: { case: 'push', value: {} } })),
    );
    expect((await socket.closed).code).toBe(CloseCode.PROTOCOL_ERROR);
    await goodClientStillWorks();
  });

  it("never reaches another account's mailbox or devices", async () => {
    const attacker = await t.client.connect(mallory.devices[0]!);
    // An envelope waits in the victim's mailbox...
    await good.sender.send('for-victim', [
      { destination: address(victim.devices[0]!), content: bytes('secret') },
      { destination: address(victim.devices[1]!), content: bytes('secret') },
    ]);
    // ...and the attacker acks every plausible id: acks only ever touch the acker's own mailbox.
    attacker.ack(Array.from({ length: 200 }, (_, i) => BigInt(i + 1)));
    // Device management is scoped to the caller's account.
    const removal = await httpFails(t.client.removeDevice(mallory.devices[0]!, 2));
    expect(removal.code).toBe('NOT_FOUND');

    const victimSocket = await t.client.connect(victim.devices[0]!);
    const [envelope] = await victimSocket.takeEnvelopes(1);
    expect(text(envelope!.content)).toBe('secret');
    expect((await t.client.listDevices(victim.devices[0]!)).map((d) => d.deviceId)).toEqual([1, 2]);
    victimSocket.close();
    attacker.close();
    await goodClientStillWorks();
  });

  it('rejects malformed, oversized and unknown HTTP requests with their codes', async () => {
    const auth = { authorization: basicAuthorization(mallory.devices[0]!) };
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      fetch(`${t.relay.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    };
    await expectError(await post('/v1/accounts', '{"username":'), 400, 'MALFORMED');
    await expectError(await post('/v1/accounts', '{"username":"ok_name"}'), 400, 'MALFORMED');
    await expectError(
      await post('/v1/accounts', JSON.stringify({ username: 'x'.repeat(MAX_HTTP_BODY_BYTES) })),
      413,
      'TOO_LARGE',
    );
    // A 33-byte key field holding 40 bytes: valid base64, wrong size.
    const register = await rejection<RelayHttpError>(
      t.client.register('sizes_check', Buffer.alloc(40).toString('base64'), {
        registrationId: 1,
        signedPreKey: {
          keyId: 1,
          publicKey: Buffer.alloc(33).toString('base64'),
          signature: Buffer.alloc(64).toString('base64'),
        },
        lastResortKyberPreKey: {
          keyId: 1,
          publicKey: Buffer.alloc(1569).toString('base64'),
          signature: Buffer.alloc(64).toString('base64'),
        },
      }),
    );
    expect([register.status, register.code]).toEqual([400, 'MALFORMED']);
    await expectError(await fetch(`${t.relay.url}/v1/nothing`), 404, 'NOT_FOUND');
    await expectError(
      await fetch(`${t.relay.url}/v1/keys/not-a-uuid`, { headers: auth }),
      400,
      'MALFORMED',
    );
    await expectError(
      await fetch(`${t.relay.url}/v1/devices`, { headers: { authorization: 'Basic !!!' } }),
      401,
      'UNAUTHENTICATED',
    );
    await goodClientStillWorks();
  });
});
