import type { Page } from 'playwright-core';

/**
 * A picture as a Y4M video (YUV4MPEG2), the format Chromium's fake camera plays from a file
 * (`--use-file-for-fake-video-capture`). Header, then per frame "FRAME\n" and the Y, U and V
 * planes of 4:2:0 full-range BT.601 ("C420jpeg"): luma per pixel, chroma per 2x2 block.
 * Chromium loops the file, so a few identical frames make a still camera.
 */
export function y4mFromRgba(
  rgba: Uint8Array,
  width: number,
  height: number,
  frames = 5,
): Uint8Array {
  // 4:2:0 needs even dimensions: drop a last odd column or row.
  const w = width & ~1;
  const h = height & ~1;
  const y = new Uint8Array(w * h);
  const u = new Uint8Array((w / 2) * (h / 2));
  const v = new Uint8Array((w / 2) * (h / 2));
  const at = (col: number, row: number) => (row * width + col) * 4;
  for (let row = 0; row < h; row++) {
    for (let col = 0; col < w; col++) {
      const i = at(col, row);
      y[row * w + col] = clamp(0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!);
    }
  }
  for (let row = 0; row < h; row += 2) {
    for (let col = 0; col < w; col += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const i of [at(col, row), at(col + 1, row), at(col, row + 1), at(col + 1, row + 1)]) {
        r += rgba[i]!;
        g += rgba[i + 1]!;
        b += rgba[i + 2]!;
      }
      [r, g, b] = [r / 4, g / 4, b / 4];
      const c = (row / 2) * (w / 2) + col / 2;
      u[c] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[c] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  const header = new TextEncoder().encode(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`);
  const marker = new TextEncoder().encode('FRAME\n');
  const frameBytes = marker.length + y.length + u.length + v.length;
  const out = new Uint8Array(header.length + frames * frameBytes);
  out.set(header);
  for (let f = 0, offset = header.length; f < frames; f++, offset += frameBytes) {
    out.set(marker, offset);
    out.set(y, offset + marker.length);
    out.set(u, offset + marker.length + y.length);
    out.set(v, offset + marker.length + y.length + u.length);
  }
  return out;
}

function clamp(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}

/** A PNG's pixels, decoded by the browser `page` runs in (no image library needed here). */
export async function pngPixels(
  page: Page,
  png: Uint8Array,
): Promise<{ width: number; height: number; rgba: Uint8Array }> {
  const decoded = await page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000)
      binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: bitmap.width, height: bitmap.height, rgba: btoa(binary) };
  }, Buffer.from(png).toString('base64'));
  return { ...decoded, rgba: Buffer.from(decoded.rgba, 'base64') };
}
