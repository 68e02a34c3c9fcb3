/**
 * A minimal TURN client (RFC 8656 Allocate with long-term credentials, RFC 8489 §9.2): enough to
 * ask coturn whether it accepts a username/credential pair, without a browser.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';

const MAGIC_COOKIE = 0x2112a442;
const ALLOCATE = 0x0003;
const ALLOCATE_SUCCESS = 0x0103;
const Attribute = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  REALM: 0x0014,
  NONCE: 0x0015,
  REQUESTED_TRANSPORT: 0x0019,
} as const;
const UDP = Buffer.from([17, 0, 0, 0]);

function attribute(type: number, value: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(value.length, 2);
  const padding = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([header, value, padding]);
}

function message(type: number, attributes: Buffer[], integrityKey?: Buffer): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length + (integrityKey ? 24 : 0), 2);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  randomBytes(12).copy(header, 8);
  const unsigned = Buffer.concat([header, body]);
  if (!integrityKey) return unsigned;
  const mac = createHmac('sha1', integrityKey).update(unsigned).digest();
  return Buffer.concat([unsigned, attribute(Attribute.MESSAGE_INTEGRITY, mac)]);
}

function parse(packet: Buffer): { type: number; attributes: Map<number, Buffer> } {
  const attributes = new Map<number, Buffer>();
  for (let offset = 20; offset + 4 <= packet.length;) {
    const type = packet.readUInt16BE(offset);
    const length = packet.readUInt16BE(offset + 2);
    attributes.set(type, packet.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length + ((4 - (length % 4)) % 4);
  }
  return { type: packet.readUInt16BE(0), attributes };
}

/** 'allocated', or the TURN error code coturn answered the authenticated Allocate with. */
export async function tryAllocate(
  address: string,
  port: number,
  username: string,
  password: string,
): Promise<'allocated' | number> {
  const socket = createSocket('udp4');
  const ask = async (request: Buffer) => {
    const answer = once(socket, 'message');
    socket.send(request, port, address);
    const [packet] = (await answer) as [Buffer];
    return parse(packet);
  };
  try {
    // The first, unauthenticated request earns the realm and a nonce (401).
    const challenge = await ask(message(ALLOCATE, [attribute(Attribute.REQUESTED_TRANSPORT, UDP)]));
    const realm = challenge.attributes.get(Attribute.REALM);
    const nonce = challenge.attributes.get(Attribute.NONCE);
    if (!realm || !nonce) throw new Error('no realm/nonce in the TURN challenge');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    const answer = await ask(
      message(
        ALLOCATE,
        [
          attribute(Attribute.REQUESTED_TRANSPORT, UDP),
          attribute(Attribute.USERNAME, Buffer.from(username)),
          attribute(Attribute.REALM, realm),
          attribute(Attribute.NONCE, nonce),
        ],
        key,
      ),
    );
    if (answer.type === ALLOCATE_SUCCESS) return 'allocated';
    const error = answer.attributes.get(Attribute.ERROR_CODE);
    return error ? (error[2] as number) * 100 + (error[3] as number) : -1;
  } finally {
    socket.close();
  }
}
