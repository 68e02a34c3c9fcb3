import WebSocket from 'ws';
import { newClientId } from '@parley/protocol';
import { RelaySocket, type Credentials } from '@parley/relay-client';

/** One simulated device as the load generator drives it, over the relay or the bare forwarder. */
export interface Peer {
  /** Resolves when the relay (or forwarder) answered the send. */
  send(payload: Uint8Array): Promise<unknown>;
  onReceive: (payload: Uint8Array) => void;
  close(): void;
}

export interface PeerSpec {
  index: number;
  partner: number;
  credentials?: Credentials;
  partnerAccountId?: string;
  localAddress: string;
}

/** A device on the relay: authenticated socket, 1:1 sends to its partner, batched acks. */
export async function relayPeer(url: string, spec: PeerSpec): Promise<Peer> {
  const socket = await RelaySocket.open(
    `${url.replace(/^http/, 'ws')}/v1/websocket`,
    spec.credentials!,
    {
      localAddress: spec.localAddress,
    },
  );
  const destination = { accountId: spec.partnerAccountId!, deviceId: 1 };
  let pendingAcks: bigint[] = [];
  const flushAcks = () => {
    socket.ack(pendingAcks);
    pendingAcks = [];
  };
  const peer: Peer = {
    // Client ids as the core makes them (time-ordered): the relay's index cost depends on it.
    send: (payload) => socket.send(newClientId(), [{ destination, content: payload }]),
    onReceive: () => undefined,
    close: () => socket.close(),
  };
  socket.onEnvelope = (envelope) => {
    if (pendingAcks.length === 0) setImmediate(flushAcks);
    pendingAcks.push(envelope.serverId);
    peer.onReceive(envelope.content);
  };
  return peer;
}

const ACK_MARK = 0xffffffff;

/** The same device over the bare forwarder (bare-forwarder.ts framing). */
export async function barePeer(url: string, spec: PeerSpec): Promise<Peer> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/?id=${spec.index}`, {
    perMessageDeflate: false,
    localAddress: spec.localAddress,
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextRequest = 1;
  const waiting = new Map<number, () => void>();
  let pendingAcks: number[] = [];
  const flushAcks = () => {
    const frame = Buffer.allocUnsafe(4 + pendingAcks.length * 4);
    frame.writeUInt32LE(ACK_MARK, 0);
    pendingAcks.forEach((id, i) => frame.writeUInt32LE(id, 4 + i * 4));
    ws.send(frame);
    pendingAcks = [];
  };
  const peer: Peer = {
    send(payload) {
      const requestId = nextRequest++;
      const frame = Buffer.allocUnsafe(8 + payload.length);
      frame.writeUInt32LE(spec.partner, 0);
      frame.writeUInt32LE(requestId, 4);
      frame.set(payload, 8);
      return new Promise<void>((resolve) => {
        waiting.set(requestId, resolve);
        ws.send(frame);
      });
    },
    onReceive: () => undefined,
    close: () => ws.close(),
  };
  ws.on('message', (data: Buffer) => {
    if (data.length === 4) {
      const requestId = data.readUInt32LE(0);
      waiting.get(requestId)?.();
      waiting.delete(requestId);
      return;
    }
    if (pendingAcks.length === 0) setImmediate(flushAcks);
    pendingAcks.push(data.readUInt32LE(4));
    peer.onReceive(data.subarray(8));
  });
  return peer;
}
