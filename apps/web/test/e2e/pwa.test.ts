/**
 * What makes Parley installable: a manifest whose icons exist at their declared sizes, and the
 * install offer. Headless Chromium never fires `beforeinstallprompt` by itself (it needs a user
 * engagement heuristic), so the test dispatches one with the event's shape; everything after it
 * (the offer, the prompt call, the offer going away) is the app's real code.
 */
import { readdirSync } from 'node:fs';
import { Script } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { distDir } from './harness/stack.js';
import { seriousViolations } from './harness/axe.js';
import { useStack } from './harness/use-stack.js';
import { openUser, signUp } from './harness/user.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

describe('installable app', () => {
  const stack = useStack();

  it('links a manifest whose icons exist at their declared sizes', async () => {
    const user = await openUser(stack, 'installer');
    const href = await user.page.locator('link[rel="manifest"]').getAttribute('href');
    const manifest = (await (await fetch(new URL(href!, stack.origin))).json()) as {
      name: string;
      display: string;
      start_url: string;
      icons: { src: string; sizes: string; type: string; purpose?: string }[];
    };
    expect(manifest).toMatchObject({ name: 'Parley', display: 'standalone', start_url: '/' });
    const pngs = manifest.icons.filter((icon) => icon.type === 'image/png');
    expect(pngs.map((icon) => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(pngs.some((icon) => icon.purpose === 'maskable')).toBe(true);
    for (const icon of pngs) {
      const response = await fetch(new URL(icon.src, stack.origin));
      expect(response.status, icon.src).toBe(200);
      expect(pngSize(Buffer.from(await response.arrayBuffer()))).toBe(icon.sizes);
    }
    await user.context.close();
  });

  it('serves a service worker that runs as a classic script and precaches every chunk', async () => {
    const response = await fetch(new URL('/sw.js', stack.origin));
    expect(response.status).toBe(200);
    const source = await response.text();
    // register-sw.ts registers it as a classic script: `import.meta` or an import statement
    // would stop it from parsing, and a service worker may not `import()` at all.
    expect(() => new Script(source, { filename: 'sw.js' })).not.toThrow();
    // (A member named `import`, as in `x.import(`, is no dynamic import.)
    expect(source).not.toMatch(/(?<![.\w$])import\s*\(/);
    // Nothing inlined as a data: URL (the relay's CSP forbids the worker to fetch one): the
    // Automerge wasm it needs is precached by its hashed name.
    expect(source).not.toMatch(/data:application\/wasm/);
    expect(source).toMatch(/assets\/automerge-[\w-]+\.wasm/);
    // The offline start needs the lazy chunks too (sign-up, search panel, dialogs, ...).
    const chunks = readdirSync(`${distDir}/assets`).filter((file) => file.endsWith('.js'));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(source, chunk).toContain(`assets/${chunk}`);
  });

  it('offers installation when the browser allows it, and stops offering once used', async () => {
    const user = await openUser(stack, 'installer');
    await signUp(user);
    const offer = user.page.getByRole('region', { name: 'Install Parley' });
    expect(await offer.count()).toBe(0);

    await user.page.evaluate(() => {
      const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
        prompt: async () => {
          (window as unknown as { prompted: boolean }).prompted = true;
        },
        userChoice: Promise.resolve({ outcome: 'accepted' }),
      });
      window.dispatchEvent(event);
    });
    await offer.waitFor();
    expect(await seriousViolations(user.page)).toEqual([]);
    await offer.getByRole('button', { name: 'Install', exact: true }).click();
    await expect.poll(() => offer.count()).toBe(0);
    expect(
      await user.page.evaluate(() => (window as unknown as { prompted?: boolean }).prompted),
    ).toBe(true);
    await user.context.close();
  });
});
