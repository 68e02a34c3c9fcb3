import {
  PROVISIONING_ADDRESS_PATTERN,
  PROVISIONING_PATH,
  type ProvisioningAddressJson,
  type ProvisioningDeliveryJson,
} from '@parley/protocol';
import { ParleyError } from '../errors.js';
import { fromBase64 } from '../encoding/base64.js';
import type { WebSocketConstructor } from '../transport/websocket.js';

/** A new device waiting at its provisioning address (relay's src/provisioning). */
export interface ProvisioningSocket {
  address: string;
  expiresAt: number;
  /** The sealed message; LINK_EXPIRED if the socket ends first (expiry, relay restart). */
  readonly message: Promise<Uint8Array>;
  close(): void;
}

export function provisioningUrl(relayUrl: string): string {
  const url = new URL(PROVISIONING_PATH, relayUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}

/** Opens the anonymous provisioning socket and resolves once the relay gave it an address. */
export function openProvisioningSocket(
  relayUrl: string,
  WebSocket: WebSocketConstructor,
): Promise<ProvisioningSocket> {
  const socket = new WebSocket(provisioningUrl(relayUrl));
  let resolveMessage!: (message: Uint8Array) => void;
  let rejectMessage!: (error: ParleyError) => void;
  const message = new Promise<Uint8Array>((resolve, reject) => {
    resolveMessage = resolve;
    rejectMessage = reject;
  });
  // Nobody may be waiting for it yet (the socket can close before the QR code is shown).
  message.catch(() => {});
  return new Promise((resolve, reject) => {
    let opened = false;
    socket.onmessage = (event: { data: unknown }) => {
      const frame = parseFrame(event.data);
      if (
        !opened &&
        frame?.type === 'address' &&
        PROVISIONING_ADDRESS_PATTERN.test(frame.address)
      ) {
        opened = true;
        resolve({
          address: frame.address,
          expiresAt: frame.expiresAt,
          message,
          close: () => socket.close(1000, 'provisioning cancelled'),
        });
      } else if (opened && frame?.type === 'message') {
        try {
          resolveMessage(fromBase64(frame.message));
        } catch {
          rejectMessage(new ParleyError('LINK_TAMPERED', 'the provisioning message is not base64'));
        }
      }
    };
    socket.onclose = () => {
      const ended = new ParleyError('LINK_EXPIRED', 'the device link expired: show a new code');
      if (!opened) reject(new ParleyError('RELAY_UNREACHABLE', 'could not get a device link'));
      rejectMessage(ended);
    };
    socket.onerror = () => {};
  });
}

function parseFrame(data: unknown): ProvisioningAddressJson | ProvisioningDeliveryJson | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const frame = JSON.parse(data) as { type?: unknown };
    if (frame.type === 'address' || frame.type === 'message')
      return frame as ProvisioningAddressJson | ProvisioningDeliveryJson;
  } catch {
    return undefined;
  }
  return undefined;
}
