/** The QR decoder worker (qr-decode.worker.ts), started on first use and shared. */
let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, (text: string | null) => void>();

function decoder(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./qr-decode.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ id: number; text: string | null }>) => {
      pending.get(event.data.id)?.(event.data.text);
      pending.delete(event.data.id);
    };
  }
  return worker;
}

/** The text of the QR code in `image`, or null. */
export function decodeQr(image: ImageData): Promise<string | null> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    decoder().postMessage({ id, width: image.width, height: image.height, data: image.data }, [
      image.data.buffer,
    ]);
  });
}

/** Largest side a picture is scaled down to before decoding (phone photos are huge). */
const MAX_SIDE = 1280;

/** Pixels of a picture or a video frame, scaled down to MAX_SIDE. */
export function pixelsOf(source: CanvasImageSource, width: number, height: number): ImageData {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  const canvas = new OffscreenCanvas(Math.round(width * scale), Math.round(height * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The QR code text in an uploaded picture, or null. */
export async function decodeQrFile(file: Blob): Promise<string | null> {
  const bitmap = await createImageBitmap(file);
  try {
    return await decodeQr(pixelsOf(bitmap, bitmap.width, bitmap.height));
  } finally {
    bitmap.close();
  }
}
