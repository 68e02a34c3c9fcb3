import { test } from 'vitest';
import { native } from './harness/engines.js';
import { Party, text } from './harness/party.js';
test('explore', async () => {
  const a = Party.create(native),
    b = Party.create(native);
  await a.initiate(b.id, b.publishBundle());
  const m1 = await a.encrypt(b.id, text('hi'));
  (await import('node:fs')).writeFileSync('/tmp/exp/pk.hex', Buffer.from(m1.body).toString('hex'));
});
