import { create, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { FrameSchema, SendResultSchema } from '../../src/index.js';
import {
  encodeAckFrame,
  encodeEnvelopePushFrame,
  encodeSendRequestFrame,
  encodeSendResponseFrame,
  encodeTimestampOnlySendResult,
} from '../../src/wire/frame-encoder.js';

/** A small deterministic generator, so a failing case replays from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(values: readonly T[]) => values[int(values.length)]!;
  const bigNumber = () =>
    pick([0, 1, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, 2 ** 53 - 1, int(1e12)]);
  const text = () =>
    pick(['', 'a', 'é', '3c74853f-0e01-4937-af0a-43e3d63ae882', 'x'.repeat(200), '🙂ü']);
  // Content values do not change the encoding's structure; lengths do (1-, 2-, 3-byte varints).
  const bytes = () => new Uint8Array(pick([0, 1, 127, 128, 300, 16_384])).fill(int(256));
  return { int, pick, bigNumber, text, bytes };
}

describe('hand-rolled frame encoding', () => {
  it('matches protobuf-es byte for byte for envelope pushes (200 seeded cases)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const r = random(seed);
      const fields = {
        serverId: r.bigNumber(),
        type: r.pick([0, 1, 2, 3, 4]),
        sourceAccountId: r.text(),
        sourceDeviceId: r.pick([0, 1, 2, 300, 2 ** 31 - 1]),
        destinationAccountId: r.text(),
        destinationDeviceId: r.pick([0, 1, 7, 128]),
        clientId: r.text(),
        serverTimestamp: r.bigNumber(),
        content: r.bytes(),
      };
      const expected = toBinary(
        FrameSchema,
        create(FrameSchema, {
          kind: {
            case: 'push',
            value: {
              kind: {
                case: 'envelope',
                value: {
                  serverId: BigInt(fields.serverId),
                  type: fields.type,
                  source: { accountId: fields.sourceAccountId, deviceId: fields.sourceDeviceId },
                  destination: {
                    accountId: fields.destinationAccountId,
                    deviceId: fields.destinationDeviceId,
                  },
                  clientId: fields.clientId,
                  serverTimestamp: BigInt(fields.serverTimestamp),
                  content: fields.content,
                },
              },
            },
          },
        }),
      );
      expect(Buffer.compare(encodeEnvelopePushFrame(fields), expected), `seed ${seed}`).toBe(0);
    }
  });

  it('matches protobuf-es byte for byte for send responses', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = random(seed);
      const requestId = r.pick([0, 1, 127, 128, 2 ** 32 - 1]);
      const result = create(SendResultSchema, {
        serverTimestamp: BigInt(r.bigNumber()),
        rejected: Array.from({ length: r.int(3) }, () => ({
          destination: { accountId: r.text(), deviceId: r.int(5) },
          reason: 1,
        })),
      });
      const expected = toBinary(
        FrameSchema,
        create(FrameSchema, {
          kind: { case: 'response', value: { requestId, result: { case: 'send', value: result } } },
        }),
      );
      const actual = encodeSendResponseFrame(requestId, toBinary(SendResultSchema, result));
      expect(Buffer.compare(actual, expected), `seed ${seed}`).toBe(0);
      const timestampOnly = create(SendResultSchema, { serverTimestamp: result.serverTimestamp });
      expect(
        Buffer.compare(
          encodeTimestampOnlySendResult(Number(result.serverTimestamp)),
          toBinary(SendResultSchema, timestampOnly),
        ),
        `timestamp-only seed ${seed}`,
      ).toBe(0);
    }
  });
});

describe('hand-rolled client frames', () => {
  it('match protobuf-es byte for byte for send requests and acks', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const r = random(seed);
      const requestId = r.pick([0, 1, 300, 2 ** 32 - 1]);
      const clientId = r.text();
      const messages = Array.from({ length: r.int(4) }, () => ({
        accountId: r.text(),
        deviceId: r.pick([0, 1, 9, 200]),
        type: r.pick([0, 2, 3]),
        content: r.bytes(),
      }));
      const ttlSeconds = r.pick([0, 1, 60, 300, 2 ** 32 - 1]);
      const expected = toBinary(
        FrameSchema,
        create(FrameSchema, {
          kind: {
            case: 'request',
            value: {
              id: requestId,
              body: {
                case: 'send',
                value: {
                  clientId,
                  messages: messages.map((m) => ({
                    destination: { accountId: m.accountId, deviceId: m.deviceId },
                    type: m.type,
                    content: m.content,
                  })),
                  ttlSeconds,
                },
              },
            },
          },
        }),
      );
      const actual = encodeSendRequestFrame(requestId, clientId, messages, ttlSeconds);
      expect(Buffer.compare(actual, expected), `seed ${seed}`).toBe(0);

      const ids = Array.from({ length: r.int(5) }, () => r.bigNumber());
      const ack = toBinary(
        FrameSchema,
        create(FrameSchema, { kind: { case: 'ack', value: { serverIds: ids.map(BigInt) } } }),
      );
      expect(Buffer.compare(encodeAckFrame(ids), ack), `ack seed ${seed}`).toBe(0);
    }
  });
});
