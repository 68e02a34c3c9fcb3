/**
 * Scrolling a long chat to its first message and back (docs/decisions/0820, "Scrolling"), in
 * real Chromium on the real core: the device holds a chat of 5,000 messages, sealed as a device
 * running this code holds it (its newest 2,000 entries live, the rest in segments), written into
 * its IndexedDB as core stores it. Flung up a step a frame, the list reaches the first message
 * through every page and segment, the rows on screen are always consecutive messages under the
 * right day separators, and the jump button brings the newest message back.
 */
import { TIMELINE_PAGE, WINDOW_PAGES } from '@parley/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seedPage } from '../../bench/seed-device.js';
import { useStack } from './harness/use-stack.js';
import { bubble, openUser, screenshot, signUp } from './harness/user.js';

const MESSAGES = 5_000;
/** Taller than any seeded row: the list's height bounds the rows it holds. */
const ROW_PX_AT_MOST = 100;
const text = (n: number) => `Seeded message ${n} of ${MESSAGES}`;

/** What the list renders, in DOM order: day separators and seeded message numbers. */
type Rendered = Array<{ day: string } | { n: number }>;

function rendered(page: Page): Promise<Rendered> {
  return page
    .locator('.day-separator, [data-message-id] .bubble__text')
    .evaluateAll((nodes) =>
      nodes.map((node) =>
        node.classList.contains('day-separator')
          ? { day: node.getAttribute('aria-label') ?? '' }
          : { n: Number(/Seeded message (\d+) of/.exec(node.textContent ?? '')?.[1]) },
      ),
    );
}

/**
 * The rows on screen are one run of consecutive messages (no gap, no repeat, nothing out of
 * order) with each day's separator at most once; returns the message numbers.
 */
async function consecutive(page: Page): Promise<number[]> {
  const rows = await rendered(page);
  const numbers = rows.flatMap((row) => ('n' in row ? [row.n] : []));
  const days = rows.flatMap((row) => ('day' in row ? [row.day] : []));
  expect(numbers.length).toBeGreaterThan(0);
  expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
  expect(new Set(days).size).toBe(days.length);
  return numbers;
}

/** Where a fling stops: at the very top with the first message shown, or at a message. */
type FlingEnd = { top: true } | { reaching: number };

/** One frame of a fling: the message numbers rendered, and how the list stood (diagnostics). */
interface Frame {
  numbers: number[];
  /** scrollTop/scrollHeight, Virtuoso's deviation (its item list's margin-top while it
   * re-anchors a prepend), and the first rendered message's number minus its Virtuoso index
   * (it changes only when rows came in or left above without firstItemIndex following). */
  state: string;
}

/**
 * Flings the list `step` px a frame (negative: up; a wheel event first, as a person's input),
 * inside the page, until `end`; resolves with what was rendered at each frame.
 */
function fling(page: Page, step: number, end: FlingEnd): Promise<Frame[]> {
  return page.evaluate(
    ({ step, end }) =>
      new Promise<Frame[]>((resolve) => {
        const seen: Frame[] = [];
        const numberOf = (node: Element | undefined) =>
          Number(/Seeded message (\d+) of/.exec(node?.textContent ?? '')?.[1]);
        const tick = () => {
          const scroller = document.querySelector<HTMLElement>('.message-list__scroller')!;
          const texts = [...document.querySelectorAll('[data-message-id] .bubble__text')];
          const numbers = texts.map(numberOf);
          const item = texts[0]?.closest<HTMLElement>('[data-item-index]');
          const list = document.querySelector<HTMLElement>('[data-testid="virtuoso-item-list"]');
          const offset = numberOf(texts[0]) - Number(item?.dataset.itemIndex);
          const { scrollTop, scrollHeight } = scroller;
          const margin = list?.style.marginTop;
          seen.push({ numbers, state: `${scrollTop}/${scrollHeight} ${margin} ${offset}` });
          const done =
            'top' in end
              ? numbers.includes(1) && scroller.scrollTop <= 0
              : numbers.some((n) => n >= end.reaching);
          if (done) {
            resolve(seen);
            return;
          }
          scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: step, bubbles: true }));
          scroller.scrollTop += step;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { step, end },
  );
}

/** Rows a frame may move against the fling's direction (measurement corrections). */
const AGAINST_AT_MOST = 5;

/**
 * The frames around each one whose top moved more than AGAINST_AT_MOST rows against an upward
 * fling, as lines to print: the evidence of the known defect below.
 */
function againstUpward(frames: Frame[]): string[] {
  const tops = frames.map((frame) => frame.numbers[0]!);
  return tops.flatMap((top, i) =>
    i > 0 && top > tops[i - 1]! + AGAINST_AT_MOST
      ? frames
          .slice(Math.max(0, i - 4), i + 3)
          .map(
            (frame, j) => `${j === Math.min(4, i) ? '>' : ' '} ${frame.numbers[0]} ${frame.state}`,
          )
      : [],
  );
}

describe('a long chat scrolled to its first message and back', () => {
  const stack = useStack();

  it('reaches the first message in order, and the jump button returns to the newest', async () => {
    const user = await openUser(stack, 'scroller');
    await signUp(user);
    const { page } = user;
    const errors: Error[] = [];
    page.on('pageerror', (error) => errors.push(error));
    const rows = await seedPage(page, {
      conversations: 2,
      messagesPerConversation: 3,
      largeConversationMessages: MESSAGES,
      sealed: true,
    });
    expect(rows.docSegments.length).toBeGreaterThan(0);
    await page.reload();
    await page.goto(`/#/chat/${encodeURIComponent(rows.largeConversationId)}`);
    await bubble(page, text(MESSAGES)).waitFor();
    expect((await consecutive(page)).at(-1)).toBe(MESSAGES);

    // Up to the first message: every frame showed consecutive messages, going up.
    const frames = (await fling(page, -1_500, { top: true })).filter(
      (frame) => frame.numbers.length > 0,
    );
    for (const { numbers } of frames)
      expect(numbers, 'consecutive on every frame').toEqual(numbers.map((_, i) => numbers[0]! + i));
    // Going up: a frame's oldest rendered message is never a page or more below the one before
    // (the list never jumps back toward the newest), and the last frame starts at the first
    // message. Known defect (session 12 closing note): under CI load one frame once showed the
    // top 62 messages lower as an older page came in (a one-frame jump as Virtuoso re-anchors).
    // The frames of any smaller jump against the fling are printed (top, scrollTop/scrollHeight,
    // Virtuoso's deviation, number minus index) to find the cause when it shows again.
    const against = againstUpward(frames);
    if (against.length > 0) console.warn(`moved against the fling:\n${against.join('\n')}`);
    const tops = frames.map(({ numbers }) => numbers[0]!);
    expect(tops.at(-1)).toBe(1);
    for (let i = 1; i < tops.length; i++)
      expect(tops[i]).toBeLessThan(tops[i - 1]! + TIMELINE_PAGE);
    const top = await consecutive(page);
    expect(top[0]).toBe(1);
    // The first row is the first day's separator, then the first message.
    expect((await rendered(page))[0]).toHaveProperty('day');
    await expect.poll(() => bubble(page, text(1)).isVisible()).toBe(true);
    // The list holds a few pages around the view, not the 5,000 messages scrolled through.
    const height = await page
      .getByRole('region', { name: 'Messages' })
      .evaluate((scroller) => scroller.scrollHeight);
    expect(height).toBeLessThan(WINDOW_PAGES * TIMELINE_PAGE * ROW_PX_AT_MOST);
    await screenshot(page, 'scroll-history-top');

    // Flung back down past the window's newer edge: newer pages come in below (the window
    // moves toward the newest), in order on every frame, and nothing fails on the page.
    const beyondWindow = WINDOW_PAGES * TIMELINE_PAGE + TIMELINE_PAGE;
    const down = (await fling(page, 1_500, { reaching: beyondWindow }))
      .map(({ numbers }) => numbers)
      .filter((n) => n.length > 0);
    for (const numbers of down)
      expect(numbers, 'consecutive on every frame').toEqual(numbers.map((_, i) => numbers[0]! + i));
    await expect.poll(async () => Math.min(...(await consecutive(page)))).toBeGreaterThan(100);
    expect(errors).toEqual([]);

    // The jump button: straight back to the newest message.
    await page.getByRole('button', { name: /Jump to the newest message/ }).click();
    await bubble(page, text(MESSAGES)).waitFor();
    await expect.poll(() => bubble(page, text(MESSAGES)).isVisible()).toBe(true);
    expect((await consecutive(page)).at(-1)).toBe(MESSAGES);
    await expect
      .poll(() => page.getByRole('button', { name: /Jump to the newest message/ }).count())
      .toBe(0);
    await screenshot(page, 'scroll-history-back');
    await user.context.close();
  });
});
