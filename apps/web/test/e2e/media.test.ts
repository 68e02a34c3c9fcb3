/**
 * Photos, documents and voice messages between two people, in real Chromium against the real relay
 * (its tus blob store on disk) and the real core. Bob's network is slowed through DevTools so his
 * downloads last long enough to be seen in progress; the upload that survives a relay restart is
 * slowed the same way on Alice's side. Alice's microphone is Chromium's fake device playing a WAV
 * that espeak-ng speaks (scripts/ensure-chromium.sh installs espeak-ng).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import { meetInChat, screenshot, type User } from './harness/user.js';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function spokenWav(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'parley-voice-')), 'voice.wav');
  execFileSync('espeak-ng', ['-w', path, 'Hello Bob. This is a voice message from Alice.']);
  return path;
}

/** Slows the page's HTTP traffic (bytes per second each way; -1 leaves a direction alone). */
async function throttle(page: Page, down: number, up = -1): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: down,
    uploadThroughput: up,
  });
}

/** A PNG of noise (incompressible, about 1.9 MB) drawn by Chromium's canvas. */
async function noisePng(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 800;
    canvas.height = 600;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(800, 600);
    crypto.getRandomValues(image.data.subarray(0, 65_536));
    for (let i = 65_536; i < image.data.length; i += 65_536) {
      crypto.getRandomValues(image.data.subarray(i, i + 65_536));
    }
    for (let i = 3; i < image.data.length; i += 4) image.data[i] = 255;
    context.putImageData(image, 0, 0);
    return canvas.toDataURL('image/png').split(',')[1]!;
  });
  return Buffer.from(base64, 'base64');
}

/** Clicks a "Save" link and returns the saved file's name and bytes. */
async function saved(page: Page, link: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  return { name: download.suggestedFilename(), bytes: readFileSync((await download.path())!) };
}

async function attach(user: User, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await user.page.getByTestId('attach-input').setInputFiles(files);
}

describe('media in the browser', () => {
  let wav = '';
  const stack = useStack(() => {
    wav = spokenWav();
    return [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wav}`,
      '--autoplay-policy=no-user-gesture-required',
    ];
  });

  it('a photo and a 2 MB document: thumbnail at once, download progress, identical bytes', async () => {
    const { alice, bob } = await meetInChat(stack, 'Files coming');
    const photo = await noisePng(alice.page);
    const document = randomBytes(2 * 1024 * 1024);
    // 256 KB/s for Bob: the photo takes seconds to arrive, the document longer.
    await throttle(bob.page, 256 * 1024);
    await attach(alice, [
      { name: 'noise.png', mimeType: 'image/png', buffer: photo },
      { name: 'report.pdf', mimeType: 'application/pdf', buffer: document },
    ]);

    // Alice sees her uploads in progress, then her own photo (never downloaded again).
    await alice.page.getByTestId('full-image').waitFor({ timeout: 120_000 });

    // Bob: the sender's thumbnail shows before the photo itself, with the download in progress.
    const thumbnail = bob.page.getByTestId('thumbnail');
    await thumbnail.waitFor({ timeout: 60_000 });
    expect(await thumbnail.getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
    await bob.page.getByRole('progressbar', { name: 'Downloading photo' }).waitFor();
    await screenshot(bob.page, 'media-photo-downloading');
    await bob.page.getByTestId('full-image').waitFor({ timeout: 120_000 });

    // The document waits for a tap, shows its name, size and type, then downloads with progress.
    const file = bob.page.getByTestId('file-attachment');
    await expect.poll(() => file.textContent()).toContain('report.pdf');
    expect(await file.textContent()).toContain('2.0 MB · application/pdf');
    await file.getByRole('button', { name: /Download report\.pdf/ }).click();
    const progress = bob.page.getByRole('progressbar', { name: 'Downloading report.pdf' });
    await progress.waitFor();
    await expect
      .poll(async () => Number(await progress.getAttribute('value')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await screenshot(bob.page, 'media-document-downloading');
    const save = file.getByRole('link', { name: 'Save report.pdf' });
    await save.waitFor({ timeout: 120_000 });
    const savedDocument = await saved(bob.page, save);
    expect(savedDocument.name).toBe('report.pdf');
    expect(sha256(savedDocument.bytes)).toBe(sha256(document));

    // The photo opens in a viewer, and what Bob saves from it is Alice's photo, byte for byte.
    await bob.page.getByRole('button', { name: 'Open photo' }).click();
    const viewer = bob.page.getByRole('dialog', { name: 'noise.png' });
    await viewer.waitFor();
    await screenshot(bob.page, 'media-viewer');
    const savedPhoto = await saved(bob.page, viewer.getByRole('link', { name: 'Save noise.png' }));
    expect(sha256(savedPhoto.bytes)).toBe(sha256(photo));
    expect(await seriousViolations(bob.page)).toEqual([]);
    await bob.page.getByRole('button', { name: 'Close photo' }).click();
    await screenshot(bob.page, 'media-timeline');
    expect(await seriousViolations(bob.page)).toEqual([]);
    await alice.context.close();
    await bob.context.close();
  });

  it('a voice message recorded from the microphone plays on the other side with its duration', async () => {
    const { alice, bob } = await meetInChat(stack, 'Listen to this');
    await alice.page.getByRole('button', { name: 'Record voice message' }).click();
    const timer = alice.page.getByTestId('recording-time');
    await expect.poll(() => timer.textContent(), { timeout: 30_000 }).toContain('0:03');
    await alice.page.getByRole('button', { name: 'Stop and send voice message' }).click();

    const voice = bob.page.getByTestId('voice-message');
    await voice.waitFor({ timeout: 60_000 });
    const duration = await voice.getByTestId('voice-duration').textContent();
    expect(duration).toMatch(/^0:0[3-5]$/);
    await voice.getByRole('button', { name: 'Playback speed 1x' }).click();
    await voice.getByRole('button', { name: 'Playback speed 1.5x' }).waitFor();
    await voice.getByRole('button', { name: 'Play voice message' }).click();
    await voice.getByRole('button', { name: 'Pause voice message' }).waitFor({ timeout: 30_000 });
    const position = () =>
      voice.evaluate((element) => element.querySelector('audio')?.currentTime ?? 0);
    await expect.poll(position, { timeout: 30_000 }).toBeGreaterThan(0.3);
    await screenshot(bob.page, 'media-voice-playing');
    expect(await seriousViolations(bob.page)).toEqual([]);
    // It plays to its end, and the play button comes back.
    await voice.getByRole('button', { name: 'Play voice message' }).waitFor({ timeout: 30_000 });
    await alice.context.close();
    await bob.context.close();
  });

  it('an upload cut by a relay restart resumes from the stored offset, not from zero', async () => {
    const { alice, bob } = await meetInChat(stack, 'Big file');
    const big = randomBytes(6 * 1024 * 1024);
    const patches: { offset: number; at: number }[] = [];
    let restartedAt = Infinity;
    alice.page.on('request', (request: Request) => {
      const offset = request.headers()['upload-offset'];
      if (request.method() === 'PATCH' && offset !== undefined) {
        patches.push({ offset: Number(offset), at: performance.now() });
      }
    });
    await throttle(alice.page, -1, 512 * 1024);
    await attach(alice, [{ name: 'big.bin', mimeType: 'application/octet-stream', buffer: big }]);
    const progress = alice.page.getByRole('progressbar', { name: 'Uploading big.bin' });
    await expect
      .poll(async () => Number(await progress.getAttribute('value')), { timeout: 120_000 })
      .toBeGreaterThanOrEqual(30);

    await stack.stopRelay();
    await stack.startRelay();
    restartedAt = performance.now();

    const received = bob.page.getByTestId('file-attachment');
    await expect.poll(() => received.textContent(), { timeout: 180_000 }).toContain('big.bin');
    const resumed = patches.filter((patch) => patch.at > restartedAt);
    expect(resumed.length).toBeGreaterThan(0);
    const resumedFrom = resumed[0]!.offset;
    // The bytes sent after the restart: only what the relay had not stored yet.
    const sentAfterRestart = big.length + 16 * Math.ceil(big.length / 65_536) - resumedFrom;
    console.log(
      `upload resumed at byte ${resumedFrom}; ${sentAfterRestart} of ${big.length} bytes sent after the restart`,
    );
    expect(resumedFrom).toBeGreaterThanOrEqual(0.25 * big.length);
    expect(sentAfterRestart).toBeLessThan(0.75 * big.length);
    await received.getByRole('button', { name: /Download big\.bin/ }).click();
    const save = received.getByRole('link', { name: 'Save big.bin' });
    await save.waitFor({ timeout: 120_000 });
    expect(sha256((await saved(bob.page, save)).bytes)).toBe(sha256(big));
    await alice.context.close();
    await bob.context.close();
  });
});
