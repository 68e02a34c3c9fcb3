import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisScripts } from '../limits/redis-token-buckets.js';
import type { ClusterLink } from '../mailbox/online-devices.js';
import type { DeviceRef, StoredEnvelope } from '../store/records.js';
import { decodeRoutedEnvelopes, ROUTED_ENVELOPES_TAG } from './envelope-codec.js';
import { parseClusterMessage, type ClusterMessage } from './messages.js';
import { RedisProvisioning } from './redis-provisioning.js';
import { defineRouting, routeEnvelopes } from './routing.js';

/** Longest pause between attempts to reach Redis again. */
const MAX_RECONNECT_DELAY_MS = 1000;

/** What the relay does with messages from the other processes. */
export interface ClusterHandlers {
  envelopes(envelopes: StoredEnvelope[]): void;
  replaced(rowId: number, token: string): void;
  devicesChanged(accountId: string): void;
  deviceRemoved(accountId: string, deviceId: number): void;
  /** A provisioning message for a socket held here (another process claimed its address). */
  provisioning(address: string, message: string): void;
  /** Redis is reachable again after an outage: claim every socket again, read every mailbox. */
  reconnected(): void;
}

/** Deletes a presence key only if it still names this socket (a newer claim stays). */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Presence and routing through Redis (decision 0161). Presence is one key per device, its
 * value the token of the socket holding it (`<process>.<n>`); each process subscribes to its
 * own channel (envelopes for its sockets, "replaced" notices) and to one shared channel
 * (invalidations). Redis holds no data that matters: everything routed is already committed
 * in PostgreSQL, so while Redis is away commands fail fast and pushes are dropped; when it is
 * back every process claims its sockets again and every socket reads its mailbox.
 */
export class RedisClusterLink implements ClusterLink {
  private readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly ownChannel: string;
  private readonly sharedChannel: string;
  private wasReady = false;
  /** Envelopes routed in this turn, sent together (route()). */
  private routing: StoredEnvelope[] | undefined;
  /** Provisioning addresses shared with the other processes (decision 0350). */
  readonly provisioning: RedisProvisioning;

  private constructor(
    url: string,
    private readonly prefix: string,
    private readonly processId: string,
    private readonly handlers: ClusterHandlers,
    private readonly log: Logger,
  ) {
    const options = {
      retryStrategy: (attempt: number) => Math.min(attempt * 50, MAX_RECONNECT_DELAY_MS),
      maxRetriesPerRequest: 1,
    };
    // No offline queue for commands: nothing here is worth sending late (see the class comment).
    this.commands = new Redis(url, { ...options, enableOfflineQueue: false, lazyConnect: true });
    this.subscriber = new Redis(url, { ...options, lazyConnect: true });
    this.ownChannel = `${this.channelPrefix}${processId}`;
    defineRouting(this.commands);
    this.sharedChannel = `${prefix}:all`;
    this.provisioning = new RedisProvisioning(this.commands, prefix, processId, (owner, message) =>
      this.commands.publish(`${this.channelPrefix}${owner}`, JSON.stringify(message)),
    );
    for (const connection of [this.commands, this.subscriber]) {
      connection.on('error', (error: Error) => log.warn({ err: error }, 'redis connection error'));
    }
    // As bytes: routed envelopes are binary (envelope-codec.ts), the other messages JSON.
    this.subscriber.on('messageBuffer', (_channel: Buffer, message: Buffer) =>
      this.receive(message),
    );
    this.subscriber.on('ready', () => {
      if (this.wasReady) {
        log.info('redis is back: claiming sockets again and re-reading mailboxes');
        handlers.reconnected();
      }
      this.wasReady = true;
    });
  }

  /** Connects both connections and subscribes; throws if Redis cannot be reached. */
  static async open(
    url: string,
    prefix: string,
    processId: string,
    handlers: ClusterHandlers,
    log: Logger,
  ): Promise<RedisClusterLink> {
    const link = new RedisClusterLink(url, prefix, processId, handlers, log);
    try {
      await Promise.all([link.commands.connect(), link.subscriber.connect()]);
      await link.subscriber.subscribe(link.ownChannel, link.sharedChannel);
    } catch (error) {
      link.close();
      throw error;
    }
    return link;
  }

  /** The command connection, for the rate limits every process shares (limits/). */
  get scripts(): RedisScripts {
    return this.commands;
  }

  async claim(device: DeviceRef, token: string): Promise<void> {
    const previous = await this.commands.set(this.presenceKey(device.rowId), token, 'GET');
    if (previous && previous !== token) {
      const owner = previous.slice(0, previous.indexOf('.'));
      if (owner !== this.processId) {
        this.publish(`${this.channelPrefix}${owner}`, {
          kind: 'replaced',
          rowId: device.rowId,
          token: previous,
        });
      }
    }
  }

  release(device: DeviceRef, token: string): void {
    this.commands
      .eval(RELEASE_SCRIPT, 1, this.presenceKey(device.rowId), token)
      .catch(() => undefined); // a stale claim only routes pushes to a process that drops them
  }

  /**
   * Routes in one script call everything routed in this turn's synchronous run: the sends of
   * one group commit are handed over one by one (each send's afterCommit), and a call per send
   * cost a round trip, a PUBLISH and a message to parse on the holder per envelope (decision
   * 0163). The calls still leave in commit order, on one connection.
   */
  route(envelopes: readonly StoredEnvelope[]): void {
    if (this.routing) {
      this.routing.push(...envelopes);
      return;
    }
    this.routing = [...envelopes];
    queueMicrotask(this.routeQueued);
  }

  private readonly routeQueued = (): void => {
    const envelopes = this.routing ?? [];
    this.routing = undefined;
    routeEnvelopes(this.commands, this, envelopes).catch(
      () => undefined, // Redis is away: every socket re-reads its mailbox when it is back
    );
  };

  async present(rowIds: readonly number[]): Promise<boolean[]> {
    const holders = await this.commands.mget(rowIds.map((rowId) => this.presenceKey(rowId)));
    return holders.map((token) => token !== null);
  }

  deviceRemoved(accountId: string, deviceId: number): void {
    this.broadcast({ kind: 'device-removed', accountId, deviceId });
  }

  devicesChanged(accountId: string): void {
    this.broadcast({ kind: 'devices-changed', accountId });
  }

  close(): void {
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  presenceKey(rowId: number): string {
    return `${this.prefix}:presence:${rowId}`;
  }

  /** A process's own channel is this followed by its id. */
  get channelPrefix(): string {
    return `${this.prefix}:process:`;
  }

  private broadcast(message: ClusterMessage): void {
    this.publish(this.sharedChannel, { ...message, from: this.processId });
  }

  private publish(channel: string, message: ClusterMessage & { from?: string }): void {
    this.commands.publish(channel, JSON.stringify(message)).catch(() => undefined);
  }

  private receive(bytes: Buffer): void {
    if (bytes[0] === ROUTED_ENVELOPES_TAG) {
      let envelopes;
      try {
        envelopes = decodeRoutedEnvelopes(bytes);
      } catch {
        this.log.warn('undecodable routed envelopes ignored'); // their mailboxes still hold them
        return;
      }
      return this.handlers.envelopes(envelopes);
    }
    const message = parseClusterMessage(bytes.toString('utf8'));
    if (!message) {
      this.log.warn('unrecognised cluster message ignored');
      return;
    }
    if ((message as { from?: string }).from === this.processId) return; // our own broadcast
    switch (message.kind) {
      case 'replaced':
        return this.handlers.replaced(message.rowId, message.token);
      case 'devices-changed':
        return this.handlers.devicesChanged(message.accountId);
      case 'device-removed':
        return this.handlers.deviceRemoved(message.accountId, message.deviceId);
      case 'provisioning':
        return this.handlers.provisioning(message.address, message.message);
    }
  }
}
