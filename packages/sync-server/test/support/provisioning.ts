import WebSocket from 'ws';
import { PROVISIONING_PATH } from '@parley/protocol';
import type { Credentials } from '@parley/relay-client';

/** The Basic authorization header of a device's HTTP requests. */
export const basic = (device: Credentials) =>
  'Basic ' +
  Buffer.from(`${device.accountId}.${device.deviceId}:${device.secret}`).toString('base64');

/** `PUT /v1/provisioning/:address` with a sealed message, as `device`. */
export function putProvisioning(
  relayUrl: string,
  device: Credentials,
  address: string,
  message: string,
): Promise<Response> {
  return fetch(`${relayUrl}/v1/provisioning/${address}`, {
    method: 'PUT',
    headers: { authorization: basic(device), 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
}

/** A new device's provisioning socket: its frames, in order, and how it closed. */
export function provisioningSocket(relayUrl: string) {
  const ws = new WebSocket(relayUrl.replace(/^http/, 'ws') + PROVISIONING_PATH);
  const frames: unknown[] = [];
  let notify = () => {};
  ws.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    notify();
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  const frame = (index: number) =>
    new Promise<unknown>((resolve) => {
      const check = () => (frames.length > index ? resolve(frames[index]) : undefined);
      notify = check;
      check();
    });
  return { ws, frame, closed };
}
