import { RelayClient, type Credentials, type RelaySocket } from '@parley/relay-client';

/**
 * A socket-holder process of bench:scale (forked by bench-scale.ts): opens authenticated
 * sockets for its share of the devices from one source address, spread over the relays,
 * and keeps them open and idle until killed (SIGTERM: the sockets close with the process).
 *   { cmd: 'connect', urls, localAddress, devices, concurrency } -> { connected, failed }
 */
export interface HolderCommand {
  cmd: 'connect';
  urls: string[];
  localAddress: string;
  devices: Credentials[];
  concurrency: number;
}

const sockets: RelaySocket[] = [];

process.on('message', (command: HolderCommand) => {
  void connectAll(command).then(
    (result) => process.send!(result),
    (error: unknown) => process.send!({ error: String(error) }),
  );
});

async function connectAll({ urls, localAddress, devices, concurrency }: HolderCommand): Promise<{
  connected: number;
  failed: number;
  firstError?: string;
}> {
  const clients = urls.map((url) => new RelayClient(url));
  const before = sockets.length;
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < devices.length) {
      const i = next++;
      try {
        sockets.push(await clients[i % clients.length]!.connect(devices[i]!, { localAddress }));
      } catch (error) {
        failed++;
        firstError ??= String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { connected: sockets.length - before, failed, firstError };
}
