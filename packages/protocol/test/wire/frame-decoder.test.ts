import { randomBytes } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { EnvelopeType, FrameSchema, type Frame } from '../../src/index.js';
import { describe, expect, it } from 'vitest';
import {
  decodeClientFrame,
  decodeServerFrame,
  type ClientFrame,
  type ServerFrame,
} from '../../src/wire/frame-decoder.js';
import {
  encodeAckFrame,
  encodeEnvelopePushFrame,
  encodeSendRequestFrame,
  encodeSendResponseFrame,
  encodeTimestampOnlySendResult,
} from '../../src/wire/frame-encoder.js';

/** What protobuf-es makes of the bytes, in the decoder's terms (or the error it throws). */
function referenceClient(bytes: Uint8Array): ClientFrame | 'throws' {
  let frame: Frame;
  try {
    frame = fromBinary(FrameSchema, bytes);
  } catch {
    return 'throws';
  }
  if (frame.kind.case === 'ack') {
    return { case: 'ack', serverIds: frame.kind.value.serverIds.map(Number) };
  }
  if (frame.kind.case === 'request' && frame.kind.value.body.case === 'send') {
    return { case: 'send', requestId: frame.kind.value.id, send: frame.kind.value.body.value };
  }
  return { case: 'other', frame };
}

function referenceServer(bytes: Uint8Array): ServerFrame | 'throws' {
  let frame: Frame;
  try {
    frame = fromBinary(FrameSchema, bytes);
  } catch {
    return 'throws';
  }
  return { case: 'other', frame };
}

const attempt = <T>(decode: () => T): T | 'throws' => {
  try {
    return decode();
  } catch {
    return 'throws';
  }
};

/** The server-side view compared as the Frame it stands for. */
function asFrame(decoded: ServerFrame | 'throws'): Frame | 'throws' {
  if (decoded === 'throws') return decoded;
  if (decoded.case === 'other') return decoded.frame;
  if (decoded.case === 'envelope') {
    return create(FrameSchema, {
      kind: { case: 'push', value: { kind: { case: 'envelope', value: decoded.envelope } } },
    });
  }
  return create(FrameSchema, {
    kind: {
      case: 'response',
      value: {
        requestId: decoded.requestId,
        result: { case: 'send', value: { serverTimestamp: decoded.serverTimestamp } },
      },
    },
  });
}

const accountId = '6c1d1d4e-8a55-4b9e-9d0c-2f1f0b7d3c11';
const sendFrame = encodeSendRequestFrame(7, 'client-1', [
  { accountId, deviceId: 1, type: EnvelopeType.SIGNAL_MESSAGE, content: randomBytes(40) },
  { accountId, deviceId: 2, type: EnvelopeType.PREKEY_MESSAGE, content: randomBytes(3) },
]);
/** A call signal's send: with a time to live (field 3 of SendRequest). */
const ttlSendFrame = encodeSendRequestFrame(
  8,
  'client-2',
  [{ accountId, deviceId: 1, type: EnvelopeType.SIGNAL_MESSAGE, content: randomBytes(40) }],
  60,
);
const pushFrame = encodeEnvelopePushFrame({
  serverId: 2 ** 40 + 3,
  type: EnvelopeType.SIGNAL_MESSAGE,
  sourceAccountId: accountId,
  sourceDeviceId: 3,
  destinationAccountId: accountId,
  destinationDeviceId: 1,
  clientId: 'client-1',
  serverTimestamp: 1_790_000_000_000,
  content: randomBytes(64),
});
const responseFrame = encodeSendResponseFrame(9, encodeTimestampOnlySendResult(1_790_000_000_123));

const clientSamples: Record<string, Uint8Array> = {
  send: sendFrame,
  'send with a time to live': ttlSendFrame,
  // Frame{0x0a len Request{0x08 id 0x1a len SendRequest{...}}} with `3: 5` appended: protobuf-es
  // keeps the last value, the fast path gives the frame to it.
  'send with its time to live twice': Uint8Array.from([
    0x0a,
    ttlSendFrame[1]! + 2,
    ...ttlSendFrame.subarray(2, 5),
    ttlSendFrame[5]! + 2,
    ...ttlSendFrame.subarray(6),
    0x18,
    0x05,
  ]),
  'packed ack': encodeAckFrame([1, 300, 2 ** 40]),
  'empty ack': encodeAckFrame([]),
  'unpacked ack': Uint8Array.from([0x22, 0x04, 0x08, 0x05, 0x08, 0x06]),
  'ack id past 2^53': toBinary(
    FrameSchema,
    create(FrameSchema, { kind: { case: 'ack', value: { serverIds: [2n ** 60n, 5n] } } }),
  ),
  auth: toBinary(
    FrameSchema,
    create(FrameSchema, {
      kind: {
        case: 'request',
        value: { id: 1, body: { case: 'auth', value: { accountId, deviceId: 1, secret: 's' } } },
      },
    }),
  ),
  'send with an unknown field': Uint8Array.from([...sendFrame.subarray(0, 0), ...withUnknown()]),
  'invalid UTF-8 client id': encodeSendRequestFrame(1, 'ab', []).map((b, i, all) =>
    i === all.length - 1 ? 0xff : b,
  ),
  truncated: sendFrame.subarray(0, sendFrame.length - 5),
  empty: new Uint8Array(0),
  'server push': pushFrame,
};

/** The send frame with an unknown varint field (15) appended inside its SendRequest. */
function withUnknown(): Uint8Array {
  const frame = create(FrameSchema, fromBinary(FrameSchema, sendFrame));
  const bytes = toBinary(FrameSchema, frame);
  // Frame{1: Request{1: id, 3: SendRequest{...}}}: rewrite with field 15 = 1 in SendRequest.
  const request = bytes.subarray(2); // one-byte tag and one-byte length (the frame is short)
  const sendStart = request.indexOf(0x1a);
  const sendLength = request[sendStart + 1]!;
  const send = [...request.subarray(sendStart + 2, sendStart + 2 + sendLength), 0x78, 0x01];
  const requestBody = [...request.subarray(0, sendStart), 0x1a, send.length, ...send];
  return Uint8Array.from([0x0a, requestBody.length, ...requestBody]);
}

describe('hand-rolled frame decoding', () => {
  for (const [name, bytes] of Object.entries(clientSamples)) {
    it(`decodes a client frame (${name}) as protobuf-es does`, () => {
      expect(attempt(() => decodeClientFrame(bytes))).toEqual(
        name === 'ack id past 2^53' ? { case: 'ack', serverIds: [5] } : referenceClient(bytes),
      );
    });
  }

  it("takes a send's time to live on the fast path", () => {
    const decoded = decodeClientFrame(ttlSendFrame);
    expect(decoded.case === 'send' && decoded.send.ttlSeconds).toBe(60);
    const twice = decodeClientFrame(clientSamples['send with its time to live twice']!);
    expect(twice.case === 'send' && twice.send.ttlSeconds).toBe(5);
  });

  it('decodes an envelope push and a send response as protobuf-es does', () => {
    for (const bytes of [pushFrame, responseFrame]) {
      const decoded = decodeServerFrame(bytes);
      expect(decoded.case).not.toBe('other'); // the fast path took it
      expect(asFrame(decoded)).toEqual(fromBinary(FrameSchema, bytes));
    }
  });

  it('leaves other relay frames (drained, errors) to protobuf-es', () => {
    const drained = toBinary(
      FrameSchema,
      create(FrameSchema, {
        kind: { case: 'push', value: { kind: { case: 'drained', value: {} } } },
      }),
    );
    expect(decodeServerFrame(drained)).toEqual(referenceServer(drained));
  });

  it('agrees with protobuf-es on mutated and random bytes, never crashing', () => {
    const bases = [sendFrame, ttlSendFrame, pushFrame, responseFrame, encodeAckFrame([1, 2, 3])];
    for (let i = 0; i < 3000; i++) {
      const base = bases[i % bases.length]!;
      const bytes =
        i % 5 === 4 ? randomBytes(1 + (i % 60)) : Uint8Array.from(base).map(mutate(base.length));
      const client = attempt(() => decodeClientFrame(bytes));
      const reference = referenceClient(bytes);
      if (reference !== 'throws' && reference.case === 'ack') {
        reference.serverIds = reference.serverIds.filter((id) => id <= Number.MAX_SAFE_INTEGER);
      }
      expect(client).toEqual(reference);
      expect(asFrame(attempt(() => decodeServerFrame(bytes)))).toEqual(
        asFrame(referenceServer(bytes)),
      );
    }
  });
});

/** Changes one or two random bytes. */
function mutate(length: number): (byte: number, index: number) => number {
  const a = Math.floor(Math.random() * length);
  const b = Math.floor(Math.random() * length);
  const value = Math.floor(Math.random() * 256);
  return (byte, index) => (index === a || index === b ? value ^ byte : byte);
}
