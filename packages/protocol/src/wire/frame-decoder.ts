import { fromBinary } from '@bufbuild/protobuf';
import type { Envelope } from '../gen/parley/relay/v1/envelope_pb.js';
import {
  FrameSchema,
  type Frame,
  type OutgoingMessage,
  type SendRequest,
} from '../gen/parley/relay/v1/frames_pb.js';
import { MAX_ACK_FRAME_BYTES, MAX_ACK_IDS } from '../relay-limits.js';
import { NotCanonical, once, WireReader } from './wire-reader.js';

/**
 * An Ack naming more than MAX_ACK_IDS ids (or longer than MAX_ACK_FRAME_BYTES): refused before
 * its ids are read, so one frame can never make the relay hold or delete millions of ids.
 */
export class AckTooLarge extends Error {
  override readonly name = 'AckTooLarge';
}

/**
 * Hand-rolled decoding of the frames received once per message: by the relay a send request and
 * an ack, by the client a send response (with no rejected destinations) and an envelope push.
 * Reflective decoding of these was, after encoding (frame-encoder.ts), the largest CPU item per
 * message. The fast path takes only the canonical shape of each frame; any other input (unknown
 * fields, repeats, invalid UTF-8, truncation) goes to protobuf-es, so what is accepted and what
 * is rejected is exactly what protobuf-es decides (test/wire/frame-decoder.test.ts compares both).
 * Field numbers are those of packages/protocol/proto/parley/relay/v1/frames.proto.
 */

/** What a client sends, as the relay's connection handles it. */
export type ClientFrame =
  | { case: 'send'; requestId: number; send: SendRequest }
  | { case: 'ack'; serverIds: number[] }
  | { case: 'other'; frame: Frame };

/** Decodes a client frame; throws (as protobuf-es does) on bytes that are not a Frame. */
export function decodeClientFrame(bytes: Uint8Array): ClientFrame {
  try {
    const fast = readClientFrame(new WireReader(bytes));
    if (fast) return fast;
  } catch (error) {
    if (!(error instanceof NotCanonical)) throw error;
  }
  assertAcksWithinLimit(bytes);
  return fromFrame(fromBinary(FrameSchema, bytes));
}

/** Before protobuf-es decodes a non-canonical frame: no top-level ack body past the cap. */
function assertAcksWithinLimit(bytes: Uint8Array): void {
  try {
    const r = new WireReader(bytes);
    while (!r.done) {
      const { field, wireType } = r.tag();
      if (wireType !== 2) return; // not a Frame field protobuf-es would accept: it decides
      const body = r.message(wireType);
      if (field === 4 && body.remaining > MAX_ACK_FRAME_BYTES) throw new AckTooLarge();
    }
  } catch (error) {
    if (error instanceof AckTooLarge) throw error;
    // Truncated or odd bytes: protobuf-es rejects them with its own error.
  }
}

function fromFrame(frame: Frame): ClientFrame {
  if (frame.kind.case === 'ack') {
    const ids: number[] = [];
    // Ids past 2^53 cannot name an entry: dropped here, as the relay ignores unknown ids.
    if (frame.kind.value.serverIds.length > MAX_ACK_IDS) throw new AckTooLarge();
    for (const id of frame.kind.value.serverIds) {
      if (id <= BigInt(Number.MAX_SAFE_INTEGER)) ids.push(Number(id));
    }
    return { case: 'ack', serverIds: ids };
  }
  if (frame.kind.case === 'request' && frame.kind.value.body.case === 'send') {
    return { case: 'send', requestId: frame.kind.value.id, send: frame.kind.value.body.value };
  }
  return { case: 'other', frame };
}

/** Frame{request{id, send}} or Frame{ack}; undefined for any other kind of frame. */
function readClientFrame(r: WireReader): ClientFrame | undefined {
  const { field, wireType } = r.tag();
  const body = r.message(wireType);
  if (!r.done) throw new NotCanonical(); // a second oneof member: protobuf-es decides
  if (field === 4) return { case: 'ack', serverIds: readAck(body) };
  if (field !== 1) return undefined;
  let requestId = 0;
  let send: SendRequest | undefined;
  let seen = 0;
  while (!body.done) {
    const tag = body.tag();
    seen = once(seen, tag.field);
    if (tag.field === 1) {
      body.expectVarint(tag.wireType);
      requestId = body.uint32();
    } else if (tag.field === 3) {
      send = readSendRequest(body.message(tag.wireType));
    } else {
      return undefined; // auth or unknown: rare, protobuf-es
    }
  }
  return send ? { case: 'send', requestId, send } : undefined;
}

function readAck(r: WireReader): number[] {
  if (r.remaining > MAX_ACK_FRAME_BYTES) throw new AckTooLarge();
  const ids: number[] = [];
  while (!r.done) {
    if (ids.length > MAX_ACK_IDS) throw new AckTooLarge();
    const { field, wireType } = r.tag();
    if (field !== 1) throw new NotCanonical();
    if (wireType === 0) {
      ids.push(r.varint());
      continue;
    }
    const packed = r.message(wireType);
    while (!packed.done && ids.length <= MAX_ACK_IDS) ids.push(packed.varint());
  }
  if (ids.length > MAX_ACK_IDS) throw new AckTooLarge();
  return ids;
}

function readSendRequest(r: WireReader): SendRequest {
  let clientId = '';
  const messages: OutgoingMessage[] = [];
  let ttlSeconds = 0;
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    if (field === 1) {
      seen = once(seen, 1);
      clientId = r.string(wireType);
    } else if (field === 2) {
      messages.push(readOutgoing(r.message(wireType)));
    } else if (field === 3) {
      seen = once(seen, 3);
      r.expectVarint(wireType);
      ttlSeconds = r.uint32();
    } else {
      throw new NotCanonical();
    }
  }
  return { $typeName: 'parley.relay.v1.SendRequest', clientId, messages, ttlSeconds };
}

function readOutgoing(r: WireReader): OutgoingMessage {
  let destination: OutgoingMessage['destination'];
  let type = 0;
  let content: Uint8Array = new Uint8Array(0);
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    seen = once(seen, field);
    if (field === 1) destination = readAddress(r.message(wireType));
    else if (field === 2) {
      r.expectVarint(wireType);
      type = r.varint();
      if (type > 0x7fffffff) throw new NotCanonical();
    } else if (field === 3) content = r.bytesField(wireType);
    else throw new NotCanonical();
  }
  return { $typeName: 'parley.relay.v1.OutgoingMessage', destination, type, content };
}

function readAddress(r: WireReader): NonNullable<Envelope['source']> {
  let accountId = '';
  let deviceId = 0;
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    seen = once(seen, field);
    if (field === 1) accountId = r.string(wireType);
    else if (field === 2) {
      r.expectVarint(wireType);
      deviceId = r.uint32();
    } else throw new NotCanonical();
  }
  return { $typeName: 'parley.relay.v1.Address', accountId, deviceId };
}

/** What the relay sends, as the client handles it. */
export type ServerFrame =
  | { case: 'sendResult'; requestId: number; serverTimestamp: bigint }
  | { case: 'envelope'; envelope: Envelope }
  | { case: 'other'; frame: Frame };

/** Decodes a relay frame; throws (as protobuf-es does) on bytes that are not a Frame. */
export function decodeServerFrame(bytes: Uint8Array): ServerFrame {
  try {
    const fast = readServerFrame(new WireReader(bytes));
    if (fast) return fast;
  } catch (error) {
    if (!(error instanceof NotCanonical)) throw error;
  }
  return { case: 'other', frame: fromBinary(FrameSchema, bytes) };
}

/** Frame{response{request_id, send{server_timestamp}}} or Frame{push{envelope}}. */
function readServerFrame(r: WireReader): ServerFrame | undefined {
  const { field, wireType } = r.tag();
  const body = r.message(wireType);
  if (!r.done) throw new NotCanonical();
  if (field === 2) return readSendResponse(body);
  if (field !== 3 || body.done) return undefined;
  const tag = body.tag();
  if (tag.field !== 1) return undefined; // drained: rare, protobuf-es
  const envelope = readEnvelope(body.message(tag.wireType));
  return body.done ? { case: 'envelope', envelope } : undefined;
}

function readSendResponse(r: WireReader): ServerFrame | undefined {
  let requestId = 0;
  let serverTimestamp: bigint | undefined;
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    seen = once(seen, field);
    if (field === 1) {
      r.expectVarint(wireType);
      requestId = r.uint32();
    } else if (field === 4) {
      serverTimestamp = readTimestampOnlySendResult(r.message(wireType));
    } else {
      return undefined; // an error or auth result: protobuf-es
    }
  }
  return serverTimestamp === undefined
    ? undefined
    : { case: 'sendResult', requestId, serverTimestamp };
}

/** SendResult with no rejected destinations; throws NotCanonical otherwise. */
function readTimestampOnlySendResult(r: WireReader): bigint {
  let serverTimestamp = 0;
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    seen = once(seen, field);
    if (field !== 1) throw new NotCanonical();
    r.expectVarint(wireType);
    serverTimestamp = r.varint();
  }
  return BigInt(serverTimestamp);
}

function readEnvelope(r: WireReader): Envelope {
  const envelope: Envelope = {
    $typeName: 'parley.relay.v1.Envelope',
    serverId: 0n,
    type: 0,
    source: undefined,
    destination: undefined,
    clientId: '',
    serverTimestamp: 0n,
    content: new Uint8Array(0),
  };
  let seen = 0;
  while (!r.done) {
    const { field, wireType } = r.tag();
    seen = once(seen, field);
    switch (field) {
      case 1:
      case 6: {
        r.expectVarint(wireType);
        const value = BigInt(r.varint());
        if (field === 1) envelope.serverId = value;
        else envelope.serverTimestamp = value;
        break;
      }
      case 2:
        r.expectVarint(wireType);
        envelope.type = r.varint();
        if (envelope.type > 0x7fffffff) throw new NotCanonical();
        break;
      case 3:
        envelope.source = readAddress(r.message(wireType));
        break;
      case 4:
        envelope.destination = readAddress(r.message(wireType));
        break;
      case 5:
        envelope.clientId = r.string(wireType);
        break;
      case 7:
        envelope.content = r.bytesField(wireType);
        break;
      default:
        throw new NotCanonical();
    }
  }
  return envelope;
}
