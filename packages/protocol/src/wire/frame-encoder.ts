/**
 * Hand-rolled protobuf encoding of the frames sent once per message: by the relay an envelope
 * push and a send response (with its usual SendResult), by the client a send request and an ack. They are byte-for-byte what
 * protobuf-es produces for the same Frame (test/wire/frame-encoder.test.ts checks it), at a seventh
 * of the cost: reflection-based encoding was the largest CPU item per message in the relay
 * benchmark. Decoding, and every other frame, uses protobuf-es.
 * Field numbers are those of packages/protocol/proto/parley/relay/v1/frames.proto.
 */

const LEN = 2;
const VARINT = 0;
const key = (field: number, wireType: number) => (field << 3) | wireType;

/** Bytes of a varint; numbers up to 2^53 (server ids and timestamps fit). */
function varintSize(value: number): number {
  let size = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    size++;
  }
  return size;
}

class SizedWriter {
  readonly bytes: Buffer;
  private pos = 0;

  constructor(size: number) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  varint(value: number): this {
    while (value >= 128) {
      this.bytes[this.pos++] = (value % 128) | 128;
      value = Math.floor(value / 128);
    }
    this.bytes[this.pos++] = value;
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(key(field, wireType));
  }

  /** A length-delimited field whose body is written next. */
  open(field: number, length: number): this {
    return this.tag(field, LEN).varint(length);
  }

  string(field: number, value: string, byteLength: number): this {
    this.open(field, byteLength);
    this.pos += this.bytes.write(value, this.pos, 'utf8');
    return this;
  }

  raw(field: number, value: Uint8Array): this {
    this.open(field, value.length);
    this.bytes.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  done(): Buffer {
    if (this.pos !== this.bytes.length) throw new Error('frame size mismatch');
    return this.bytes;
  }
}

/** Size of a length-delimited field with a body of `length` bytes (field numbers < 16). */
const fieldSize = (length: number) => 1 + varintSize(length) + length;
/** Size of a varint field, omitted (as proto3 does) when zero. */
const varintFieldSize = (value: number) => (value === 0 ? 0 : 1 + varintSize(value));

function addressSize(accountBytes: number, deviceId: number): number {
  return (accountBytes > 0 ? fieldSize(accountBytes) : 0) + varintFieldSize(deviceId);
}

function writeAddress(
  w: SizedWriter,
  field: number,
  accountId: string,
  accountBytes: number,
  deviceId: number,
): void {
  w.open(field, addressSize(accountBytes, deviceId));
  if (accountBytes > 0) w.string(1, accountId, accountBytes);
  if (deviceId !== 0) w.tag(2, VARINT).varint(deviceId);
}

export interface EnvelopeFields {
  serverId: number;
  type: number;
  sourceAccountId: string;
  sourceDeviceId: number;
  destinationAccountId: string;
  destinationDeviceId: number;
  clientId: string;
  serverTimestamp: number;
  content: Uint8Array;
}

/** Frame{push: Push{envelope: Envelope{...}}} */
export function encodeEnvelopePushFrame(e: EnvelopeFields): Buffer {
  const sourceBytes = Buffer.byteLength(e.sourceAccountId);
  const destinationBytes = Buffer.byteLength(e.destinationAccountId);
  const clientIdBytes = Buffer.byteLength(e.clientId);
  const sourceSize = addressSize(sourceBytes, e.sourceDeviceId);
  const destinationSize = addressSize(destinationBytes, e.destinationDeviceId);
  const envelopeSize =
    varintFieldSize(e.serverId) +
    varintFieldSize(e.type) +
    fieldSize(sourceSize) +
    fieldSize(destinationSize) +
    (clientIdBytes > 0 ? fieldSize(clientIdBytes) : 0) +
    varintFieldSize(e.serverTimestamp) +
    (e.content.length > 0 ? fieldSize(e.content.length) : 0);
  const pushSize = fieldSize(envelopeSize);
  const w = new SizedWriter(fieldSize(pushSize));
  w.open(3, pushSize).open(1, envelopeSize);
  if (e.serverId !== 0) w.tag(1, VARINT).varint(e.serverId);
  if (e.type !== 0) w.tag(2, VARINT).varint(e.type);
  writeAddress(w, 3, e.sourceAccountId, sourceBytes, e.sourceDeviceId);
  writeAddress(w, 4, e.destinationAccountId, destinationBytes, e.destinationDeviceId);
  if (clientIdBytes > 0) w.string(5, e.clientId, clientIdBytes);
  if (e.serverTimestamp !== 0) w.tag(6, VARINT).varint(e.serverTimestamp);
  if (e.content.length > 0) w.raw(7, e.content);
  return w.done();
}

/** SendResult{server_timestamp} with no rejected destinations. */
export function encodeTimestampOnlySendResult(serverTimestamp: number): Buffer {
  const w = new SizedWriter(varintFieldSize(serverTimestamp));
  if (serverTimestamp !== 0) w.tag(1, VARINT).varint(serverTimestamp);
  return w.done();
}

/** Frame{response: Response{request_id, send: <SendResult already encoded>}} */
export function encodeSendResponseFrame(requestId: number, sendResult: Uint8Array): Buffer {
  const responseSize = varintFieldSize(requestId) + fieldSize(sendResult.length);
  const w = new SizedWriter(fieldSize(responseSize));
  w.open(2, responseSize);
  if (requestId !== 0) w.tag(1, VARINT).varint(requestId);
  w.raw(4, sendResult);
  return w.done();
}

export interface OutgoingFields {
  accountId: string;
  deviceId: number;
  type: number;
  content: Uint8Array;
}

/** Frame{request: Request{id, send: SendRequest{client_id, messages, ttl_seconds}}} */
export function encodeSendRequestFrame(
  requestId: number,
  clientId: string,
  messages: readonly OutgoingFields[],
  ttlSeconds = 0,
): Buffer {
  const clientIdBytes = Buffer.byteLength(clientId);
  const sizes = messages.map((m) => {
    const accountBytes = Buffer.byteLength(m.accountId);
    const address = addressSize(accountBytes, m.deviceId);
    const body =
      fieldSize(address) +
      varintFieldSize(m.type) +
      (m.content.length > 0 ? fieldSize(m.content.length) : 0);
    return { accountBytes, address, body };
  });
  const sendSize =
    (clientIdBytes > 0 ? fieldSize(clientIdBytes) : 0) +
    sizes.reduce((sum, s) => sum + fieldSize(s.body), 0) +
    varintFieldSize(ttlSeconds);
  const requestSize = varintFieldSize(requestId) + fieldSize(sendSize);
  const w = new SizedWriter(fieldSize(requestSize));
  w.open(1, requestSize);
  if (requestId !== 0) w.tag(1, VARINT).varint(requestId);
  w.open(3, sendSize);
  if (clientIdBytes > 0) w.string(1, clientId, clientIdBytes);
  messages.forEach((m, i) => {
    const size = sizes[i]!;
    w.open(2, size.body);
    writeAddress(w, 1, m.accountId, size.accountBytes, m.deviceId);
    if (m.type !== 0) w.tag(2, VARINT).varint(m.type);
    if (m.content.length > 0) w.raw(3, m.content);
  });
  if (ttlSeconds !== 0) w.tag(3, VARINT).varint(ttlSeconds);
  return w.done();
}

/** Frame{ack: Ack{server_ids}} (packed, as proto3 encodes repeated scalars). */
export function encodeAckFrame(serverIds: readonly number[]): Buffer {
  const idsSize = serverIds.reduce((sum, id) => sum + varintSize(id), 0);
  const ackSize = idsSize > 0 ? fieldSize(idsSize) : 0;
  const w = new SizedWriter(fieldSize(ackSize));
  w.open(4, ackSize);
  if (idsSize > 0) {
    w.open(1, idsSize);
    for (const id of serverIds) w.varint(id);
  }
  return w.done();
}
