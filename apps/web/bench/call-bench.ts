/**
 * `npm run bench:call`: 1:1 video calls between two Chromium pages (fake camera and microphone)
 * through the real relay, inside the network namespace scripts/netns-run.sh makes (the root
 * script wraps this file in it). It takes
 * - setup_ms: the callee's Accept click -> a first remote video frame shown on BOTH pages
 *   (requestVideoFrameCallback, stamped on the browser's clock, which is the Node side's epoch);
 * - cpu_pct: CPU of the whole browser (both pages, both encoders and decoders) while one call
 *   runs for CPU_WINDOW_MS, in per cent of one core, from /proc of Chromium's processes.
 * The LAST line is one JSON object.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { distDir, startStack } from '../test/e2e/harness/stack.js';
import { openUser, signUp, type User } from '../test/e2e/harness/user.js';
import { CALL_CHROMIUM_ARGS } from '../test/calls/harness/webrtc-probe.js';
import { closeWithin, median, percentile, viteBuild } from './web-bench.js';

const ROUNDS = 15;
const CPU_WINDOW_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
const WAIT = { timeout: 120_000 };

/** Epoch time of the first frame a remote <video> of `page` presents. */
function firstRemoteFrame(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const watch = () => {
          const video = document.querySelector<HTMLVideoElement>('video[data-remote-device]');
          if (!video) return void requestAnimationFrame(watch);
          video.requestVideoFrameCallback(() =>
            resolve(performance.timeOrigin + performance.now()),
          );
        };
        watch();
      }),
  );
}

/** utime + stime (clock ticks) of every descendant of `root`. */
function descendantTicks(root: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  const isDescendant = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p))
      if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, value] of ticks) if (isDescendant(pid)) total += value;
  return total;
}

async function meet(alice: User, bob: User): Promise<void> {
  await alice.page.getByRole('button', { name: 'New chat' }).first().click();
  await alice.page.getByLabel('Their username').fill(bob.username);
  await alice.page.getByRole('button', { name: 'Start chat' }).click();
  const composer = alice.page.getByLabel(`Message to ${bob.username}`);
  await composer.fill('Calling you for the benchmark');
  await composer.press('Enter');
  await bob.page.getByRole('link', { name: new RegExp(`^${alice.username}\\b`) }).click(WAIT);
  await bob.page
    .getByRole('region', { name: `Message request from ${alice.username}` })
    .getByRole('button', { name: 'Accept' })
    .click(WAIT);
  await bob.page.getByLabel(`Message to ${alice.username}`).waitFor(WAIT);
}

export async function main(): Promise<void> {
  await viteBuild(distDir);
  const stack = await startStack(CALL_CHROMIUM_ARGS);
  try {
    const alice = await openUser(stack, 'alice');
    const bob = await openUser(stack, 'bob');
    await signUp(alice);
    await signUp(bob);
    await meet(alice, bob);
    const callButton = alice.page.getByRole('button', { name: `Video call with ${bob.username}` });
    const incoming = bob.page.getByRole('alertdialog', { name: /^Incoming/ });
    const setup: number[] = [];
    let cpuPct = 0;
    for (let round = 0; round < ROUNDS; round++) {
      await callButton.click();
      await incoming.getByRole('button', { name: 'Accept' }).waitFor(WAIT);
      const frames = Promise.all([firstRemoteFrame(alice.page), firstRemoteFrame(bob.page)]);
      const acceptedAt = Date.now();
      await incoming.getByRole('button', { name: 'Accept' }).click();
      setup.push(Math.max(...(await frames)) - acceptedAt);
      if (round === 0) {
        const ticksPerSecond = 100; // USER_HZ on Linux
        const before = descendantTicks(process.pid);
        const started = Date.now();
        await new Promise((resolve) => setTimeout(resolve, CPU_WINDOW_MS));
        const seconds = (Date.now() - started) / 1000;
        cpuPct = ((descendantTicks(process.pid) - before) / ticksPerSecond / seconds) * 100;
      }
      await alice.page.getByRole('button', { name: 'Hang up' }).click();
      await alice.page
        .getByRole('dialog', { name: /^Call with/ })
        .waitFor({ state: 'detached', ...WAIT });
      await bob.page
        .getByRole('dialog', { name: /^Call with/ })
        .waitFor({ state: 'detached', ...WAIT });
    }
    const round1 = (n: number) => Math.round(n * 10) / 10;
    console.log(
      JSON.stringify({
        bench: 'call',
        rounds: ROUNDS,
        setup_ms_p50: round1(median(setup)),
        setup_ms_p95: round1(percentile(setup, 95)),
        cpu_pct: round1(cpuPct),
      }),
    );
  } finally {
    await closeWithin(stack, CLOSE_TIMEOUT_MS);
  }
}
