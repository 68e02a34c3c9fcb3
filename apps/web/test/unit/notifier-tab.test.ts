/**
 * One tab of the device notifies. Real BroadcastChannels (Node has them) between "tabs" in one
 * process; delivery is asynchronous, so each step waits until the other tab has heard.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNotifierTab, type NotifierTab } from '../../src/notifications/notifier-tab.js';

const open: NotifierTab[] = [];
function tab(channel: string, owner: boolean): NotifierTab {
  const created = createNotifierTab(channel, () => owner);
  open.push(created);
  return created;
}
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});

describe('the notifying tab', () => {
  it('is the owner until a tab is used, then the tab used last; the owner again when that one leaves', async () => {
    const channel = `notifier-${crypto.randomUUID()}`;
    const owner = tab(channel, true);
    const follower = tab(channel, false);
    expect([owner.isNotifier(), follower.isNotifier()]).toEqual([true, false]);

    follower.claim();
    expect(follower.isNotifier()).toBe(true);
    await expect.poll(() => owner.isNotifier()).toBe(false);

    owner.claim();
    expect(owner.isNotifier()).toBe(true);
    await expect.poll(() => follower.isNotifier()).toBe(false);

    follower.claim();
    await expect.poll(() => owner.isNotifier()).toBe(false);
    follower.leave();
    await expect.poll(() => owner.isNotifier()).toBe(true);
    expect(follower.isNotifier()).toBe(false);
  });
});
