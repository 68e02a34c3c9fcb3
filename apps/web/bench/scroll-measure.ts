/**
 * Scrolling a long chat as a person flings it (bench:web's scroll figures, decision 0820): from
 * its newest message up to its very first one, a few pages back down, then back to the newest
 * with the jump button. Everything is driven and timed inside the page, one scroll step per
 * animation frame, so a frame the app holds up delays the next step as it would a finger.
 */
import type { Page } from 'playwright-core';
import type { SeededDevice } from './seed-device.js';

/** Pixels per frame of the fling: a fast flick, about 90,000 px/s at 60 frames a second. */
const FLING_PX_PER_FRAME = 1_500;
/** Past this, a fling is stopped and reported as not having arrived (the old quadratic code). */
const FLING_BUDGET_MS = 600_000;
/** How far the fling back down goes from the top: a few pages' worth. */
const DOWN_PX = 60_000;
/** A frame longer than this is a visible stutter. */
const LONG_FRAME_MS = 50;

export interface ScrollFigures {
  /** Newest message to the first message on screen at the top (s); null when not reached. */
  toTopS: number | null;
  /** The oldest seeded message number shown when the fling ended (1 when it arrived; -1: no list). */
  topReached: number;
  frameP95Ms: number;
  longFrames: number;
  frames: number;
  /** The page's JS heap after a GC, at the top. */
  heapTopMb: number;
  /** Frames of the fling back down a few pages from the top. */
  downFrameP95Ms: number;
  downLongFrames: number;
  /** Click on "jump to the newest message" to the newest bubble shown at the bottom (ms; -1: never). */
  backMs: number;
}

interface Fling {
  arrived: boolean;
  ms: number;
  frames: number[];
  oldest: number;
}

/**
 * Scrolls the open chat by `step` px a frame until `done` (evaluated in the page) holds or the
 * budget runs out. A wheel event goes first each frame: the app tells a person's scroll from its
 * own by the input that precedes it.
 */
function fling(
  page: Page,
  step: number,
  until: { firstId: string } | { distance: number },
): Promise<Fling> {
  return page.evaluate(
    ({ step, until, budgetMs }) =>
      new Promise<Fling>((resolve) => {
        const frames: number[] = [];
        const start = performance.now();
        let last = start;
        let travelled = 0;
        const scroller = () => document.querySelector<HTMLElement>('.message-list__scroller')!;
        const oldest = () =>
          Math.min(
            ...[...document.querySelectorAll('[data-message-id] .bubble__text')].map((text) =>
              Number(/Seeded message (\d+) of/.exec(text.textContent ?? '')?.[1] ?? Infinity),
            ),
          );
        const done = () =>
          'firstId' in until
            ? scroller().scrollTop <= 0 &&
              document.querySelector(`[data-message-id="${until.firstId}"]`) !== null
            : travelled >= until.distance;
        const tick = (now: number) => {
          frames.push(now - last);
          last = now;
          // No list any more (the app failed to render it): report rather than stop silently.
          if (!document.querySelector('.message-list__scroller')) {
            resolve({ arrived: false, ms: now - start, frames, oldest: -1 });
            return;
          }
          const arrived = done();
          if (arrived || now - start > budgetMs) {
            resolve({ arrived, ms: now - start, frames, oldest: oldest() });
            return;
          }
          const element = scroller();
          element.dispatchEvent(new WheelEvent('wheel', { deltaY: step, bubbles: true }));
          const before = element.scrollTop;
          element.scrollTop = before + step;
          travelled += Math.abs(element.scrollTop - before);
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
    { step, until, budgetMs: FLING_BUDGET_MS },
  );
}

/** Click on the jump button to the newest message in the DOM with the list at its bottom. */
function jumpToNewest(page: Page, lastMessageId: string): Promise<number> {
  return page.evaluate(
    ({ lastMessageId, budgetMs }) =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        const atNewest = () => {
          const scroller = document.querySelector<HTMLElement>('.message-list__scroller');
          return (
            scroller !== null &&
            document.querySelector(`[data-message-id="${lastMessageId}"]`) !== null &&
            scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 8
          );
        };
        const tick = (now: number) => {
          if (atNewest()) resolve(now - start);
          else if (now - start > budgetMs) resolve(-1);
          else requestAnimationFrame(tick);
        };
        const button = document.querySelector<HTMLButtonElement>('button.jump-to-latest');
        if (!button) return resolve(-1);
        button.click();
        requestAnimationFrame(tick);
      }),
    { lastMessageId, budgetMs: FLING_BUDGET_MS },
  );
}

function p95(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The open chat (at its newest message) flung to its top, a little way down, and back. */
export async function measureScroll(
  page: Page,
  seeded: SeededDevice,
  heapMb: (page: Page) => Promise<number>,
): Promise<ScrollFigures> {
  await page.locator(`[data-message-id="${seeded.lastMessageId}"]`).waitFor();
  const up = await fling(page, -FLING_PX_PER_FRAME, { firstId: seeded.firstMessageId });
  const heapTopMb = round1(await heapMb(page));
  const down = await fling(page, FLING_PX_PER_FRAME, { distance: DOWN_PX });
  const backMs = await jumpToNewest(page, seeded.lastMessageId);
  // The first interval is the wait for the first frame, not a frame of the scroll.
  const frames = up.frames.slice(1);
  const downFrames = down.frames.slice(1);
  return {
    toTopS: up.arrived ? round1(up.ms / 1000) : null,
    topReached: up.oldest,
    frameP95Ms: round1(p95(frames)),
    longFrames: frames.filter((ms) => ms > LONG_FRAME_MS).length,
    frames: frames.length,
    heapTopMb,
    downFrameP95Ms: round1(p95(downFrames)),
    downLongFrames: downFrames.filter((ms) => ms > LONG_FRAME_MS).length,
    backMs: Math.round(backMs),
  };
}
