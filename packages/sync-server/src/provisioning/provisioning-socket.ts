import type { WebSocket } from 'ws';
import { CloseCode, type ProvisioningAddressJson } from '@parley/protocol';
import type { ProvisioningDeliveryJson } from '@parley/protocol';
import type { ProvisioningChannel } from './provisioning-channel.js';

/**
 * One new device's provisioning socket: it gets its address in a text frame, then the sealed
 * message, then the relay closes it (1000). The device sends nothing: any frame it sends closes
 * the socket (4400), so the socket cannot be used to push data through the relay.
 */
export function serveProvisioningSocket(ws: WebSocket, channel: ProvisioningChannel): void {
  const { address, expiresAt } = channel.open({
    deliver(message) {
      const frame: ProvisioningDeliveryJson = { type: 'message', message };
      ws.send(JSON.stringify(frame), () => ws.close(1000, 'provisioned'));
    },
    expire() {
      ws.close(CloseCode.PROVISIONING_EXPIRED, 'provisioning address expired');
    },
  });
  const hello: ProvisioningAddressJson = { type: 'address', address, expiresAt };
  ws.send(JSON.stringify(hello));
  ws.on('message', () => ws.close(CloseCode.PROTOCOL_ERROR, 'a provisioning socket only listens'));
  ws.once('close', () => channel.closed(address));
}
