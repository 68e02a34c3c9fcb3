import type { Redis } from 'ioredis';
import { PROVISIONING_TTL_MS } from '@parley/protocol';
import type {
  ProvisioningClaim,
  ProvisioningRefusal,
  SharedProvisioning,
} from '../provisioning/provisioning-channel.js';

/**
 * How long Redis remembers an address after its expiry: a late or repeated PUT is told
 * CONFLICT ("expired") rather than NOT_FOUND for as long again as the address lived.
 */
const REMEMBER_MS = PROVISIONING_TTL_MS;

/**
 * Uses an address up, atomically (one script runs at a time in Redis). The value is
 * `<state>|<holder process>|<expires at>`; state `open` becomes `used` and the holder is
 * returned, once. The caller's clock decides expiry (ARGV[1]), as the opener's stamped it.
 */
const CLAIM_SCRIPT = `
local value = redis.call('GET', KEYS[1])
if not value then return 'unknown' end
local state, holder, expires = string.match(value, '^(%a+)|([^|]+)|(%d+)$')
if not state then return 'unknown' end
if tonumber(ARGV[1]) >= tonumber(expires) then return 'expired' end
if state ~= 'open' then return 'used' end
redis.call('SET', KEYS[1], 'used|' .. holder .. '|' .. expires, 'KEEPTTL')
return 'held|' .. holder`;

/**
 * Provisioning addresses shared by the relay processes of one deployment (decisions 0350,
 * 0161): one key per address, `<prefix>:provisioning:<address>`, written when the new device's
 * socket opens (the process holding it), used up by the first PUT on any process (CLAIM_SCRIPT),
 * deleted by Redis REMEMBER_MS after expiry. The sealed message then goes to the holder over
 * its own channel; PUBLISH counts the subscribers that got it, so a holder that died is
 * noticed (the PUT is refused) instead of the message vanishing.
 */
export class RedisProvisioning implements SharedProvisioning {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly processId: string,
    /** Publishes to a process's channel; resolves with how many subscribers received it. */
    private readonly sendTo: (
      processId: string,
      message: { kind: 'provisioning'; address: string; message: string },
    ) => Promise<number>,
  ) {}

  async register(address: string, expiresAt: number, now: number): Promise<void> {
    const lifetime = Math.max(1, expiresAt - now) + REMEMBER_MS;
    const value = `open|${this.processId}|${expiresAt}`;
    await this.redis.set(this.key(address), value, 'PX', lifetime, 'NX');
  }

  async claim(address: string, now: number): Promise<ProvisioningClaim> {
    const result = (await this.redis.eval(CLAIM_SCRIPT, 1, this.key(address), now)) as string;
    if (result.startsWith('held|')) return { holder: result.slice('held|'.length) };
    return { refused: result as ProvisioningRefusal };
  }

  async forward(holder: string, address: string, message: string): Promise<boolean> {
    return (await this.sendTo(holder, { kind: 'provisioning', address, message })) > 0;
  }

  private key(address: string): string {
    return `${this.prefix}:provisioning:${address}`;
  }
}
