/// <reference lib="webworker" />
import jsQR from 'jsqr';

/**
 * Decodes QR codes off the UI thread (camera frames arrive several times a second). Each message
 * is `{ id, width, height, data }` (RGBA pixels); the answer is `{ id, text }`, text null when the
 * image holds no readable code.
 */
self.onmessage = (
  event: MessageEvent<{ id: number; width: number; height: number; data: Uint8ClampedArray }>,
) => {
  const { id, width, height, data } = event.data;
  const code = jsQR(data, width, height, { inversionAttempts: 'attemptBoth' });
  self.postMessage({ id, text: code?.data ?? null });
};
