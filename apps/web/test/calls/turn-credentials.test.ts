/**
 * The relay's TURN credentials against Debian's coturn, in the namespace (npm run test:calls):
 * coturn accepts what GET /v1/calls/ice-servers hands out, and refuses the same scheme once the
 * expiry in the username has passed, or with a tampered username.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { turnCredential } from '@parley/sync-server';
import { startTurnServer, TURN_ADDRESS, type TurnServer } from './harness/turn-server.js';
import { tryAllocate } from './harness/turn-allocate.js';

const PORT = 3479;

describe('TURN credentials in coturn', () => {
  const secret = `turn-secret-${crypto.randomUUID()}`;
  let turn: TurnServer;
  beforeAll(async () => {
    turn = await startTurnServer(secret, PORT);
  });
  afterAll(() => turn?.close());

  it('accepts a fresh credential and refuses an expired or tampered one', async () => {
    const fresh = turnCredential(secret, 'account.1', 600, Date.now());
    expect(await tryAllocate(TURN_ADDRESS, PORT, fresh.username, fresh.credential)).toBe(
      'allocated',
    );
    // Issued an hour ago with a ten-minute lifetime: expired fifty minutes ago.
    const expired = turnCredential(secret, 'account.1', 600, Date.now() - 3_600_000);
    expect(await tryAllocate(TURN_ADDRESS, PORT, expired.username, expired.credential)).toBe(401);
    const tampered = fresh.username.replace(/^\d+/, (expiry) => String(Number(expiry) + 3600));
    expect(await tryAllocate(TURN_ADDRESS, PORT, tampered, fresh.credential)).toBe(401);
  });
});
