import type { WebSocket } from 'ws';
import { CloseCode, type ProvisioningAddressJson } from '@parley/protocol';
import type { ProvisioningDeliveryJson } from '@parley/protocol';
import type { ProvisioningChannel } from './provisioning-channel.js';

/** WebSocket's "try again later": the address could not be shared with the other processes. */
const TRY_AGAIN_LATER = 1013;

/**
 * One new device's provisioning socket: it gets its address in a text frame, then the sealed
 * message, then the relay closes it (1000). The device sends nothing: any frame it sends closes
 * the socket (4400), so the socket cannot be used to push data through the relay.
 */
export function serveProvisioningSocket(ws: WebSocket, channel: ProvisioningChannel): void {
  let address: string | undefined;
  let gone = false;
  ws.on('message', () => ws.close(CloseCode.PROTOCOL_ERROR, 'a provisioning socket only listens'));
  ws.once('close', () => {
    gone = true;
    if (address) channel.closed(address);
  });
  channel
    .open({
      deliver(message) {
        const frame: ProvisioningDeliveryJson = { type: 'message', message };
        ws.send(JSON.stringify(frame), () => ws.close(1000, 'provisioned'));
      },
      expire() {
        ws.close(CloseCode.PROVISIONING_EXPIRED, 'provisioning address expired');
      },
    })
    .then(
      (opened) => {
        address = opened.address;
        if (gone) return channel.closed(opened.address);
        const hello: ProvisioningAddressJson = { type: 'address', ...opened };
        ws.send(JSON.stringify(hello));
      },
      () => ws.close(TRY_AGAIN_LATER, 'provisioning unavailable, try again'),
    );
}
