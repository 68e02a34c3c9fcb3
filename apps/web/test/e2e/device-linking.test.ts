/**
 * Linking a device by QR code, as a person does it: the new device (a second browser context)
 * shows a code; the test takes a screenshot of that page and gives the picture to the first
 * device's "Scan from image" (the pixels travel, nothing else); both show the same words; once
 * confirmed, the new device has the account, its chats and history, receives new messages, and
 * what it sends shows on the first device as sent by the account. Unlinking then stops the new
 * device at once: it wipes itself and says why.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from './harness/axe.js';
import { chromiumLaunchOptions } from './harness/chromium.js';
import type { Stack } from './harness/stack.js';
import { useStack } from './harness/use-stack.js';
import {
  bubble,
  chatRow,
  meetInChat,
  openChat,
  openUser,
  screenshot,
  send,
  signUp,
} from './harness/user.js';
import { pngPixels, y4mFromRgba } from './harness/y4m.js';

async function openSettings(page: Page, username: string): Promise<void> {
  await page.getByRole('link', { name: `Settings and profile of ${username}` }).click();
  await page.getByRole('heading', { name: 'Settings' }).waitFor();
}

describe('linking a new device by QR code', () => {
  const stack = useStack();

  it('links by a scanned picture of the code: chats, history, live messages, own sends; unlinking stops it', async () => {
    const { alice, bob } = await meetInChat(stack, 'history before the link');
    await send(bob, alice.username, 'a reply before the link');
    await bubble(alice.page, 'a reply before the link').waitFor({ timeout: 30_000 });

    // The new device: a fresh browser (its own storage), in the dark theme.
    const laptop = await openUser(stack, 'laptop', { colorScheme: 'dark' });
    await laptop.page.getByRole('button', { name: 'Link to an existing account' }).click();
    const qr = laptop.page.getByTestId('link-qr');
    await qr.waitFor({ timeout: 30_000 });
    const laptopWords = await laptop.page.getByTestId('link-words').textContent();
    expect(laptopWords?.trim().split(' ')).toHaveLength(6);
    await screenshot(laptop.page, 'link-new-device-qr-dark');
    expect(await seriousViolations(laptop.page)).toEqual([]);
    const picture = await laptop.page.screenshot();

    // The first device scans that screenshot.
    await openSettings(alice.page, alice.username);
    await alice.page.getByRole('button', { name: 'Link a new device' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'Link a new device' });
    await dialog.getByTestId('scan-image').setInputFiles({
      name: 'code.png',
      mimeType: 'image/png',
      buffer: picture,
    });
    await expect
      .poll(() => dialog.getByTestId('confirm-words').textContent(), { timeout: 30_000 })
      .toBe(laptopWords);
    await screenshot(alice.page, 'link-confirm-words-light');
    expect(await seriousViolations(alice.page)).toEqual([]);
    await dialog.getByRole('button', { name: 'The words match: link it' }).click();
    await dialog.getByText('Linked.').waitFor({ timeout: 30_000 });
    // The history leaves as one encrypted archive once the new device says hello.
    await dialog.getByText('Sent 1 chat to the new device.').waitFor({ timeout: 60_000 });
    await screenshot(alice.page, 'link-history-sent-light');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // The new device has the account, the chat and its history.
    await laptop.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
    await expect
      .poll(() => chatRow(laptop.page, bob.username).count(), { timeout: 60_000 })
      .toBe(1);
    await openChat(laptop, bob.username);
    await bubble(laptop.page, 'history before the link').waitFor({ timeout: 60_000 });
    await bubble(laptop.page, 'a reply before the link').waitFor({ timeout: 60_000 });
    expect(await bubble(laptop.page, 'history before the link').getAttribute('class')).toContain(
      'bubble-row--out',
    );

    // New messages from Bob reach it; what it sends shows on Alice's first device as hers.
    await send(bob, alice.username, 'live after the link');
    await bubble(laptop.page, 'live after the link').waitFor({ timeout: 60_000 });
    await send(laptop, bob.username, 'sent from the laptop');
    await bubble(bob.page, 'sent from the laptop').waitFor({ timeout: 60_000 });
    await openChat(alice, bob.username);
    const mine = bubble(alice.page, 'sent from the laptop');
    await mine.waitFor({ timeout: 60_000 });
    expect(await mine.getAttribute('class')).toContain('bubble-row--out');
    await screenshot(laptop.page, 'linked-device-chat-dark');

    // The device list shows both, with what each is and when it was last active; Alice renames
    // the laptop, and the laptop's own list shows the new name (the relay holds it encrypted).
    await openSettings(alice.page, alice.username);
    const devices = alice.page.getByRole('list', { name: 'Your devices' });
    await expect.poll(() => devices.getByRole('listitem').count(), { timeout: 30_000 }).toBe(2);
    // Each device named itself after its browser and system (its platform).
    const platform = (await devices
      .getByRole('listitem')
      .nth(1)
      .locator('.device-list__name')
      .textContent())!;
    expect(platform).toMatch(/^Chrom\w+ on Linux$/);
    await devices
      .getByRole('listitem')
      .nth(1)
      .getByRole('button', { name: /^Rename / })
      .click();
    const rename = alice.page.getByRole('dialog', { name: `Rename ${platform}` });
    await rename.getByLabel('Device name').fill('Work laptop');
    await screenshot(alice.page, 'rename-device-light');
    await rename.getByRole('button', { name: 'Save' }).click();
    const renamed = devices.getByRole('listitem').filter({ hasText: 'Work laptop' });
    await renamed.waitFor({ timeout: 30_000 });
    expect(await renamed.textContent()).toContain(`${platform} · Last active today`);
    await openSettings(laptop.page, alice.username);
    await laptop.page
      .getByRole('list', { name: 'Your devices' })
      .getByText('Work laptop')
      .waitFor({ timeout: 30_000 });
    await alice.page.getByRole('heading', { name: 'Linked devices' }).scrollIntoViewIfNeeded();
    await screenshot(alice.page, 'linked-devices-light');
    expect(await seriousViolations(alice.page)).toEqual([]);

    // Unlinking the laptop, once confirmed, stops it at once.
    await devices.getByRole('button', { name: 'Unlink Work laptop' }).click();
    const confirm = alice.page.getByRole('alertdialog', { name: 'Unlink Work laptop?' });
    await confirm.waitFor();
    await screenshot(alice.page, 'unlink-device-confirm-light');
    await confirm.getByRole('button', { name: 'Unlink' }).click();
    await expect.poll(() => devices.getByRole('listitem').count(), { timeout: 30_000 }).toBe(1);
    await laptop.page
      .getByText('This device was unlinked from your account on another device')
      .waitFor({ timeout: 60_000 });
    await laptop.page.getByRole('button', { name: 'Create account' }).waitFor();
    await screenshot(laptop.page, 'unlinked-device-dark');
  });

  it('links by the camera: the code on the new device’s screen, played as Chromium’s fake camera', async () => {
    // The new device shows its code; its screenshot becomes a still video (Y4M) for the camera.
    const laptop = await openUser(stack, 'laptop');
    await laptop.page.getByRole('button', { name: 'Link to an existing account' }).click();
    await laptop.page.getByTestId('link-qr').waitFor({ timeout: 30_000 });
    const laptopWords = await laptop.page.getByTestId('link-words').textContent();
    const { width, height, rgba } = await pngPixels(laptop.page, await laptop.page.screenshot());
    const dir = await mkdtemp(join(tmpdir(), 'parley-fake-camera-'));
    const video = join(dir, 'code.y4m');
    await writeFile(video, y4mFromRgba(rgba, width, height));

    // The existing device is a browser of its own whose camera films that picture.
    const camera = await chromium.launch(
      chromiumLaunchOptions([
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${video}`,
      ]),
    );
    try {
      const phoneStack = { origin: stack.origin, browser: camera } as Stack;
      const phone = await openUser(phoneStack, 'alice');
      await signUp(phone);
      await openSettings(phone.page, phone.username);
      await phone.page.getByRole('button', { name: 'Link a new device' }).click();
      const dialog = phone.page.getByRole('dialog', { name: 'Link a new device' });
      await dialog.getByRole('button', { name: 'Scan with camera' }).click();
      await expect
        .poll(() => dialog.getByTestId('confirm-words').textContent(), { timeout: 60_000 })
        .toBe(laptopWords);
      await dialog.getByRole('button', { name: 'The words match: link it' }).click();
      await dialog.getByText('Linked.').waitFor({ timeout: 30_000 });
      await laptop.page.getByRole('heading', { name: 'Chats' }).waitFor({ timeout: 60_000 });
      await openSettings(laptop.page, phone.username);
      const devices = laptop.page.getByRole('list', { name: 'Your devices' });
      await expect.poll(() => devices.getByRole('listitem').count(), { timeout: 30_000 }).toBe(2);
    } finally {
      await camera.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
