/**
 * How the conversation looks (issue 13, item 5): the newest bubble has room above the composer,
 * a window resize keeps the newest message in view when the person was at the bottom, read ticks
 * are told apart from delivered ones at 1x, and a 10,000-character message is folded with
 * "Read more". Screenshots (light and dark) go to test-results/ to be looked at.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { useStack } from './harness/use-stack.js';
import { bubble, meetInChat, resultsDir, screenshot, send, type User } from './harness/user.js';

/** Headless Chromium reports every page focused; this is what losing focus tells the page. */
async function blurWindow(page: Page): Promise<void> {
  await page.evaluate(() => {
    Object.defineProperty(document, 'hasFocus', { value: () => false, configurable: true });
    window.dispatchEvent(new Event('blur'));
  });
}

type Rgb = [number, number, number];

async function colourOf(locator: Locator, property: 'color' | 'background-color'): Promise<Rgb> {
  const value = await locator.evaluate(
    (element, property) => getComputedStyle(element).getPropertyValue(property),
    property,
  );
  const [r, g, b] = (value.match(/[\d.]+/g) ?? []).map(Number);
  return [r ?? 0, g ?? 0, b ?? 0];
}

function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio. */
function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** CIE76 colour difference (CIELAB, D65): about 2 is just noticeable, 35+ is another colour. */
function deltaE(a: Rgb, b: Rgb): number {
  const lab = ([r, g, bl]: Rgb) => {
    const lin = (c: number) => {
      const s = c / 255;
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const [R, G, B] = [lin(r), lin(g), lin(bl)];
    const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
    const x = f((R * 0.4124 + G * 0.3576 + B * 0.1805) / 0.95047);
    const y = f(R * 0.2126 + G * 0.7152 + B * 0.0722);
    const z = f((R * 0.0193 + G * 0.1192 + B * 0.9505) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
  };
  const [p, q] = [lab(a), lab(b)];
  return Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!, p[2]! - q[2]!);
}

/** The newest bubble's bottom edge and the composer's top edge, in page pixels. */
async function gapAboveComposer(user: User): Promise<number> {
  const last = user.page.locator('[data-message-id] .bubble').last();
  const lastBox = await last.boundingBox();
  const composerBox = await user.page.locator('.composer').boundingBox();
  return (composerBox?.y ?? 0) - ((lastBox?.y ?? 0) + (lastBox?.height ?? 0));
}

/** Whether the newest bubble's end is in the message list's viewport (the list is at its end). */
async function newestInView(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const scroller = document.querySelector('.message-list__scroller');
    const bubbles = document.querySelectorAll('[data-message-id] .bubble');
    const last = bubbles[bubbles.length - 1];
    if (!scroller || !last) return false;
    const view = scroller.getBoundingClientRect();
    const box = last.getBoundingClientRect();
    const scrolledToEnd = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 2;
    return scrolledToEnd && box.bottom <= view.bottom && box.bottom > view.top;
  });
}

describe('message layout', () => {
  const stack = useStack();

  it('gives the newest bubble room, sticks to the bottom on resize, tells ticks apart, folds long messages', async () => {
    const { alice, bob } = await meetInChat(stack, 'hello');
    // Bubbles of many lengths: they rewrap, and change height, when the window's width changes.
    const history = Array.from({ length: 20 }, (_, i) => `line ${i + 1}${' word'.repeat(i * 8)}`);
    for (const text of history) await send(alice, bob.username, text);
    const newest = history.at(-1) as string;
    await expect
      .poll(() => bubble(alice.page, newest).getAttribute('data-status'), { timeout: 30_000 })
      .toBe('read');

    // Room between the newest bubble and the composer, on both sides.
    for (const user of [alice, bob]) {
      await expect.poll(() => newestInView(user.page)).toBe(true);
      expect(await gapAboveComposer(user)).toBeGreaterThanOrEqual(10);
    }

    // Resizing the window while at the bottom keeps the newest message in view.
    for (const [width, height] of [
      [1100, 500],
      [700, 500],
      [1400, 900],
      [500, 800],
      [1100, 300],
      [1100, 800],
      [1400, 700],
      [600, 600],
      [1100, 800],
    ] as const) {
      await alice.page.setViewportSize({ width, height });
      await expect
        .poll(() => newestInView(alice.page), { message: `at ${width}x${height}` })
        .toBe(true);
    }

    // Delivered (Bob's window lost focus) next to read: another colour, each >= 3:1 on the bubble.
    await blurWindow(bob.page);
    await send(alice, bob.username, 'delivered, not read');
    await expect
      .poll(() => bubble(alice.page, 'delivered, not read').getAttribute('data-status'), {
        timeout: 30_000,
      })
      .toBe('delivered');
    const readTick = bubble(alice.page, newest).locator('.tick');
    const deliveredTick = bubble(alice.page, 'delivered, not read').locator('.tick');
    const bubbleBackground = await colourOf(
      bubble(alice.page, newest).locator('.bubble'),
      'background-color',
    );
    const read = await colourOf(readTick, 'color');
    const delivered = await colourOf(deliveredTick, 'color');
    expect(contrast(read, bubbleBackground)).toBeGreaterThanOrEqual(3);
    expect(contrast(delivered, bubbleBackground)).toBeGreaterThanOrEqual(3);
    expect(deltaE(read, delivered)).toBeGreaterThanOrEqual(35);
    await alice.page.screenshot({
      path: `${resultsDir}ticks-1x.png`,
      clip: (await alice.page.locator('.message-list').boundingBox()) ?? undefined,
    });

    // A 10,000-character message arrives folded, with a button that unfolds it.
    const long = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(176)}END`;
    expect(long.length).toBeGreaterThanOrEqual(10_000);
    await send(alice, bob.username, long);
    const received = bob.page.locator('[data-message-id]').last();
    await expect.poll(() => received.locator('.bubble__text').textContent()).toMatch(/^Lorem/);
    const shown = (await received.locator('.bubble__text').textContent()) ?? '';
    expect(shown.length).toBeLessThan(1_000);
    const more = received.getByRole('button', { name: 'Read more' });
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await screenshot(bob.page, 'long-message-collapsed-light');
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(bob.page, 'long-message-collapsed-dark');
    await alice.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(alice.page, 'conversation-dark');
    await bob.page.emulateMedia({ colorScheme: 'light' });
    await more.click();
    const less = received.getByRole('button', { name: 'Show less' });
    expect(await less.getAttribute('aria-expanded')).toBe('true');
    expect(await received.locator('.bubble__text').textContent()).toBe(long);

    await alice.context.close();
    await bob.context.close();
  });
});
