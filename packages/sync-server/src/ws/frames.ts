import { create, toBinary } from '@bufbuild/protobuf';
import { ErrorSchema, FrameSchema, type Response } from '@parley/protocol';
import type { RelayError } from '../errors.js';
import type { StoredEnvelope } from '../store/records.js';
import { encodeEnvelopePushFrame, encodeSendResponseFrame } from '@parley/protocol/wire';

/**
 * Encoding of the frames the relay sends (relay -> client direction of frames.proto). The two
 * per-message frames go through wire-encoder.ts; the rare ones through protobuf-es.
 */

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
      retryAfterMs: error.details.retryAfterMs ?? 0,
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
  return encodeSendResponseFrame(requestId, sendResult);
}

export function encodeEnvelopePush(envelope: StoredEnvelope): Uint8Array {
  return encodeEnvelopePushFrame({
    serverId: envelope.serverId,
    type: envelope.type,
    sourceAccountId: envelope.sourceAccountId,
    sourceDeviceId: envelope.sourceDeviceId,
    destinationAccountId: envelope.destination.accountId,
    destinationDeviceId: envelope.destination.deviceId,
    clientId: envelope.clientId,
    serverTimestamp: envelope.serverTimestamp,
    content: envelope.content,
  });
}

export const drainedPush: Uint8Array = toBinary(
  FrameSchema,
  create(FrameSchema, { kind: { case: 'push', value: { kind: { case: 'drained', value: {} } } } }),
);

export const devicesChangedPush: Uint8Array = toBinary(
  FrameSchema,
  create(FrameSchema, {
    kind: { case: 'push', value: { kind: { case: 'devicesChanged', value: {} } } },
  }),
);
