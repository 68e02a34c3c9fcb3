import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import webpush from 'web-push';

/** The relay's VAPID key pair (RFC 8292 §3): P-256, both halves unpadded base64url. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** Where a relay keeps the pair it generated, beside its database. */
export const VAPID_KEYS_FILE = 'vapid-keys.json';

/**
 * The configured pair, or the one kept in `<dataDir>/vapid-keys.json`, or a new one written
 * there. The pair must outlive restarts: every browser subscription is bound to the public key
 * it was made with (`applicationServerKey`), so a new key would orphan them all. Processes
 * starting together race to link their pair into place: the loser reads the winner's file.
 */
export async function loadVapidKeys(
  dataDir: string,
  configured: VapidKeys | undefined,
): Promise<VapidKeys> {
  if (configured) return configured;
  const path = join(dataDir, VAPID_KEYS_FILE);
  const existing = await readKeys(path);
  if (existing) return existing;
  const fresh = webpush.generateVAPIDKeys();
  // A relay on PostgreSQL keeps nothing else on disk, so its data directory may not exist yet.
  await mkdir(dataDir, { recursive: true });
  // Written whole to a private name, then linked into place: link() fails if the file exists,
  // and a reader never sees it half-written.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(draft, JSON.stringify(fresh), { mode: 0o600 });
  try {
    await link(draft, path);
    return fresh;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeys(path);
    if (!winner) throw new Error(`${path} holds no VAPID key pair`);
    return winner;
  } finally {
    await unlink(draft);
  }
}

async function readKeys(path: string): Promise<VapidKeys | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<VapidKeys>;
  if (typeof parsed.publicKey !== 'string' || typeof parsed.privateKey !== 'string') {
    throw new Error(`${path} holds no VAPID key pair`);
  }
  return { publicKey: parsed.publicKey, privateKey: parsed.privateKey };
}
