import type { Redis } from 'ioredis';
import type { StoredEnvelope } from '../store/records.js';
import { encodeRoutedEnvelope, ROUTED_ENVELOPES_TAG } from './envelope-codec.js';

/**
 * Looks up the holders of the devices (KEYS: presence keys) and publishes each holder's
 * envelopes (ARGV[3..]: one encoded envelope per key, envelope-codec.ts) as one message on its
 * channel (ARGV[2], the tag, then the envelopes concatenated; decision 0164)
 * (ARGV[1] .. owner), in one round trip: a commit's routing costs the committing process one
 * Redis call, not a lookup and then a publish per process (decision 0162). A token is
 * `<process>.<n>`; a device with no key is offline and drains its mailbox when it connects.
 */
const ROUTE_SCRIPT = `
local holders = redis.call('MGET', unpack(KEYS))
local byOwner, owners = {}, {}
for i, token in ipairs(holders) do
  local owner = token and string.match(token, '^([^.]+)%.')
  if owner then
    if not byOwner[owner] then
      byOwner[owner] = {}
      owners[#owners + 1] = owner
    end
    local list = byOwner[owner]
    list[#list + 1] = ARGV[i + 2]
  end
end
for _, owner in ipairs(owners) do
  redis.call('PUBLISH', ARGV[1] .. owner, ARGV[2] .. table.concat(byOwner[owner]))
end
return #owners`;

const TAG = Buffer.of(ROUTED_ENVELOPES_TAG);

/** Keys per script call: Lua's unpack() has a stack limit of a few thousand values. */
const CHUNK = 1000;

type WithRoute = Redis & {
  parleyRoute(keyCount: number, ...keysAndArgs: (string | Buffer)[]): Promise<number>;
};

/** Defines the routing script on `redis` (sent by SHA, loaded again if Redis restarted). */
export function defineRouting(redis: Redis): void {
  redis.defineCommand('parleyRoute', { lua: ROUTE_SCRIPT });
}

/**
 * Routes envelopes for devices not held by this process to the processes holding them, in
 * commit order (one connection runs its commands in order). Rejects if Redis is away (the
 * caller drops them: every socket reads its mailbox again when Redis is back).
 */
export async function routeEnvelopes(
  redis: Redis,
  names: { presenceKey(rowId: number): string; channelPrefix: string },
  envelopes: readonly StoredEnvelope[],
): Promise<void> {
  const calls: Promise<number>[] = [];
  for (let i = 0; i < envelopes.length; i += CHUNK) {
    const chunk = envelopes.slice(i, i + CHUNK);
    const keys = chunk.map((e) => names.presenceKey(e.destination.rowId));
    const payloads = chunk.map(encodeRoutedEnvelope);
    calls.push(
      (redis as WithRoute).parleyRoute(keys.length, ...keys, names.channelPrefix, TAG, ...payloads),
    );
  }
  await Promise.all(calls);
}
