/**
 * The relay stops while a person sends: the app says it can't reach the server, the messages wait
 * on the device (clock tick), and when the relay is back they go out without anyone doing anything.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness/use-stack.js';
import { bubble, meetInChat, send } from './harness/user.js';

describe('relay outage', () => {
  const stack = useStack();

  it('queues sends while the relay is down, shows the banner, and delivers after the restart', async () => {
    const { alice, bob } = await meetInChat(stack, 'before the outage');
    await expect
      .poll(() => bubble(bob.page, 'before the outage').count(), { timeout: 30_000 })
      .toBe(1);

    await stack.stopRelay();
    const banner = alice.page.getByTestId('connection-banner');
    await expect
      .poll(() => banner.textContent(), { timeout: 30_000 })
      .toMatch(/Can't reach the Parley server/);

    const during = [
      'sent while the relay was down 1',
      'sent while the relay was down 2',
      'sent while the relay was down 3',
    ];
    for (const text of during) await send(alice, bob.username, text);
    for (const text of during) {
      expect(await bubble(alice.page, text).getAttribute('data-status')).toBe('pending');
    }

    await stack.startRelay();
    await expect.poll(() => banner.count(), { timeout: 45_000 }).toBe(0);
    await expect
      .poll(() => bob.page.locator('[data-message-id] .bubble__text').allTextContents(), {
        timeout: 45_000,
      })
      .toEqual(['before the outage', ...during]);
    for (const text of during) {
      await expect
        .poll(() => bubble(alice.page, text).getAttribute('data-status'), { timeout: 30_000 })
        .toBe('read');
    }

    await alice.context.close();
    await bob.context.close();
  });
});
