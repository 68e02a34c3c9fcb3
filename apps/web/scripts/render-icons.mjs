/**
 * Renders the PNG icons of the web app manifest from their SVG sources with Debian's Chromium, so
 * the PNGs in public/ can be regenerated after an edit of the SVGs: `npm run icons -w @parley/web`.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

const renders = [
  { svg: 'icons/icon.svg', png: 'icons/icon-192.png', size: 192 },
  { svg: 'icons/icon.svg', png: 'icons/icon-512.png', size: 512 },
  { svg: 'icons/icon-maskable.svg', png: 'icons/icon-maskable-512.png', size: 512 },
  { svg: 'icons/icon-maskable.svg', png: 'apple-touch-icon.png', size: 180 },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
  ],
});
try {
  for (const { svg, png, size } of renders) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const source = await readFile(publicDir + svg);
    const dataUrl = 'data:image/svg+xml;base64,' + source.toString('base64');
    await page.setContent(
      `<body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}"></body>`,
    );
    await page.locator('img').evaluate((img) => img.decode());
    await writeFile(publicDir + png, await page.screenshot({ omitBackground: true }));
    await page.close();
  }
} finally {
  await browser.close();
}
