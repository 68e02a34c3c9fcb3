import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

/**
 * A push service on 127.0.0.1 speaking RFC 8030's delivery side (POST to a subscription's
 * endpoint, 201 Created). Real push services (FCM, Mozilla autopush, Apple) are unreachable
 * here, so this stands in for them at the network boundary; it plays the browser's part too:
 * it holds each subscription's private keys and decrypts every push per RFC 8291
 * (aes128gcm, http_ece) so tests read exactly what the push service and the browser got.
 */

export interface BrowserSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  /** Which subscription (the endpoint's last path segment). */
  id: string;
  headers: IncomingMessage['headers'];
  /** RFC 8291 plaintext, decrypted with the subscription's keys. */
  plaintext: string;
}

interface Subscriber {
  ecdh: ECDH;
  auth: Buffer;
  /** What the service answers (201, or 404/410 for an expired subscription). */
  status: number;
}

export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  private readonly subscribers = new Map<string, Subscriber>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  private readonly server: Server;
  private origin_ = '';

  private constructor() {
    this.server = createServer((request, response) => {
      this.handle(request).then(
        (status) => response.writeHead(status).end(),
        () => response.writeHead(400).end(),
      );
    });
  }

  /** `http://127.0.0.1:<port>`: the audience of the VAPID tokens the relay signs for it. */
  get origin(): string {
    return this.origin_;
  }

  static async start(): Promise<LocalPushService> {
    const service = new LocalPushService();
    await new Promise<void>((resolve) => service.server.listen(0, '127.0.0.1', resolve));
    service.origin_ = `http://127.0.0.1:${(service.server.address() as AddressInfo).port}`;
    return service;
  }

  /** A new subscription, as PushManager.subscribe() would give a browser. */
  subscribe(): BrowserSubscription & { id: string } {
    const id = randomBytes(8).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscribers.set(id, { ecdh, auth, status: 201 });
    return {
      id,
      endpoint: `${this.origin}/push/${id}`,
      keys: {
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: auth.toString('base64url'),
      },
    };
  }

  /** From now on, pushes to `id` are answered with `status` (e.g. 410 Gone). */
  answer(id: string, status: number): void {
    this.subscribers.get(id)!.status = status;
  }

  pushesTo(id: string): ReceivedPush[] {
    return this.received.filter((push) => push.id === id);
  }

  /** Resolves once `count` pushes in all have arrived. */
  waitForPushes(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<number> {
    const id = /^\/push\/([0-9a-f]+)$/.exec(request.url ?? '')?.[1];
    const subscriber = id && this.subscribers.get(id);
    if (request.method !== 'POST' || !id || !subscriber) return 404;
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const plaintext = ece
      .decrypt(Buffer.concat(chunks), {
        version: 'aes128gcm',
        privateKey: subscriber.ecdh,
        authSecret: subscriber.auth.toString('base64url'),
      })
      .toString('utf8');
    this.received.push({ id, headers: request.headers, plaintext });
    for (const waiter of [...this.waiters]) {
      if (this.received.length >= waiter.count) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    return subscriber.status;
  }
}

/** The claims of a VAPID token (RFC 8292 §2) after its ES256 signature verified with key `k`. */
export function verifyVapid(authorization: string | undefined): {
  claims: { aud: string; exp: number; sub: string };
  publicKey: string;
} {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [, token, k] = match as unknown as [string, string, string];
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const valid = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new Error('VAPID signature does not verify');
  const jose = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string };
  if (jose.alg !== 'ES256') throw new Error(`VAPID alg ${jose.alg}`);
  return { claims: JSON.parse(Buffer.from(payload, 'base64url').toString()), publicKey: k };
}
