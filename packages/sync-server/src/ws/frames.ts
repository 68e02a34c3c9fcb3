import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  ErrorSchema,
  FrameSchema,
  SendResultSchema,
  type Frame,
  type Response,
} from '@parley/protocol';
import type { RelayError } from '../errors.js';
import type { StoredEnvelope } from '../store/records.js';

/** Encoding of the frames the relay sends (relay -> client direction of frames.proto). */

export function decodeFrame(bytes: Uint8Array): Frame {
  return fromBinary(FrameSchema, bytes);
}

function encodeResponse(requestId: number, result: Response['result']): Uint8Array {
  return toBinary(
    FrameSchema,
    create(FrameSchema, { kind: { case: 'response', value: { requestId, result } } }),
  );
}

export function encodeError(requestId: number, error: RelayError): Uint8Array {
  return encodeResponse(requestId, {
    case: 'error',
    value: create(ErrorSchema, {
      code: error.code,
      message: error.message,
      mismatchedDevices: error.details.mismatchedDevices ?? [],
      unknownAccounts: error.details.unknownAccounts ?? [],
    }),
  });
}

export function encodeAuthResult(requestId: number, serverTimestamp: number): Uint8Array {
  return encodeResponse(requestId, {
    case: 'auth',
    value: { $typeName: 'parley.relay.v1.AuthResult', serverTimestamp: BigInt(serverTimestamp) },
  });
}

export function encodeSendResult(requestId: number, sendResult: Uint8Array): Uint8Array {
  return encodeResponse(requestId, {
    case: 'send',
    value: fromBinary(SendResultSchema, sendResult),
  });
}

export function encodeEnvelopePush(envelope: StoredEnvelope): Uint8Array {
  return toBinary(
    FrameSchema,
    create(FrameSchema, {
      kind: {
        case: 'push',
        value: {
          kind: {
            case: 'envelope',
            value: {
              serverId: BigInt(envelope.serverId),
              type: envelope.type,
              source: { accountId: envelope.sourceAccountId, deviceId: envelope.sourceDeviceId },
              destination: {
                accountId: envelope.destination.accountId,
                deviceId: envelope.destination.deviceId,
              },
              clientId: envelope.clientId,
              serverTimestamp: BigInt(envelope.serverTimestamp),
              content: envelope.content,
            },
          },
        },
      },
    }),
  );
}

export const drainedPush: Uint8Array = toBinary(
  FrameSchema,
  create(FrameSchema, { kind: { case: 'push', value: { kind: { case: 'drained', value: {} } } } }),
);
