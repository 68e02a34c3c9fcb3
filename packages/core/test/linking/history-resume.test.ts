import { afterEach, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { HistoryArchiveSchema, type HistoryArchive } from '@parley/protocol';
import { LocalDevice } from '../../src/account/local-device.js';
import type { Conversations } from '../../src/conversations/conversations.js';
import { ParleyError } from '../../src/errors.js';
import { encodeHistoryArchive } from '../../src/linking/history-archive.js';
import { HistoryTransfer, type HistoryTransferView } from '../../src/linking/history-transfer.js';
import { PendingHistory } from '../../src/linking/pending-history.js';
import { encryptAttachment } from '../../src/media/attachment-cipher.js';
import { ParleyDatabase, type AccountRow } from '../../src/store/database.js';
import { engines } from '../engine/engines.js';

/**
 * A new device's history import across restarts. The device's database is real (Dexie on
 * fake-indexeddb, reopened by name as a reload does), and so are the archive's framing and
 * cipher. The relay's blob store is an in-memory map here, and the commit of imported chats a
 * recorder: a tab closing is a commit or a download that never settles, which a real relay and
 * store cannot be made to do at a chosen point.
 */

const SELF = 2;
const LINKER = 1;
const ACCOUNT = '6f1c7a3e-7c55-4d6e-9a55-0a3f6e1b2c3d';
const CHATS = Array.from({ length: 12 }, (_, i) => `chat-${String(i).padStart(2, '0')}`);
let databases = 0;
const open: ParleyDatabase[] = [];

afterEach(async () => {
  const dbs = open.splice(0);
  for (const db of dbs) db.close();
  for (const db of dbs) await db.delete();
});

async function sealedArchive() {
  const plain = encodeHistoryArchive(
    CHATS.map((id, i) => ({ id, kind: 'direct', updatedAt: 1000 - i, state: Uint8Array.of(i) })),
  );
  const sealed = await encryptAttachment(plain);
  const pointer: HistoryArchive = create(HistoryArchiveSchema, {
    forDeviceId: SELF,
    blobId: 'blob-1',
    key: sealed.key,
    digest: sealed.digest,
    size: BigInt(sealed.ciphertext.length),
    conversations: CHATS.length,
  });
  return { pointer, ciphertext: sealed.ciphertext };
}

const never = <T>() => new Promise<T>(() => undefined);

/** One start of the new device: its database (by name), and a history transfer over it. */
function start(
  name: string,
  blobs: { download: (id: string) => Promise<Uint8Array<ArrayBuffer>> },
  commits: { crashAt?: number } = {},
) {
  const db = new ParleyDatabase(name);
  open.push(db);
  const device = new LocalDevice(engines[0]!.engine);
  device.account = { accountId: ACCOUNT, deviceId: SELF } as AccountRow;
  const imported: string[] = [];
  const errors: unknown[] = [];
  let commitCount = 0;
  let crashed!: () => void;
  const crash = new Promise<void>((resolve) => (crashed = resolve));
  const transfer = new HistoryTransfer({
    device,
    conversations: { all: () => [], ensure: async () => undefined } as unknown as Conversations,
    blobs: { upload: () => never(), download: (id) => blobs.download(id) },
    outbox: { enqueue: () => undefined },
    pending: new PendingHistory(db),
    commit: async () => {
      if (++commitCount === commits.crashAt) {
        crashed();
        return never();
      }
    },
    importConversation: (archived) => imported.push(archived.id),
    onError: (error) => errors.push(error),
  });
  const views: HistoryTransferView[] = [];
  transfer.view.subscribe(() => views.push(transfer.view.getSnapshot()!));
  const finished = new Promise<HistoryTransferView>((resolve) =>
    transfer.view.subscribe(() => {
      const view = transfer.view.getSnapshot();
      if (view?.state === 'done' || view?.state === 'failed') resolve(view);
    }),
  );
  return { db, transfer, imported, errors, crash, finished, views };
}

describe('a new device’s history import survives a reload (pending-history.ts)', () => {
  it('resumes after the tab closed mid-import, skipping the chats already committed', async () => {
    const { pointer, ciphertext } = await sealedArchive();
    const name = `history-resume-${++databases}`;
    const blobs = { download: () => Promise.resolve(ciphertext) };

    // First start: linked, the archive arrives; the tab closes during the second batch's commit.
    const first = start(name, blobs, { crashAt: 2 });
    await first.transfer.expectFrom(LINKER);
    await first.transfer.archiveArrived(pointer, { accountId: ACCOUNT, deviceId: LINKER });
    await first.crash;
    expect(first.imported).toEqual(CHATS.slice(0, 10));
    first.db.close();

    // Next start: the import goes on from the first uncommitted chat, not from scratch.
    const second = start(name, blobs);
    await second.transfer.resume();
    const done = await second.finished;
    expect(second.imported).toEqual(CHATS.slice(5));
    expect(second.views[0]).toMatchObject({ state: 'downloading', chatsDone: 5, chatsTotal: 12 });
    expect(done).toMatchObject({ direction: 'receiving', state: 'done', chatsDone: 12 });
    expect(await second.db.historyImport.count()).toBe(0);

    // Finished: a third start has nothing to do.
    second.db.close();
    const third = start(name, blobs);
    await third.transfer.resume();
    expect(third.views).toEqual([]);
  });

  it('keeps the pointer when the tab closes before the download finished, and starts over', async () => {
    const { pointer, ciphertext } = await sealedArchive();
    const name = `history-resume-${++databases}`;
    let downloading!: () => void;
    const started = new Promise<void>((resolve) => (downloading = resolve));
    const first = start(name, {
      download: () => {
        downloading();
        return never();
      },
    });
    await first.transfer.expectFrom(LINKER);
    await first.transfer.archiveArrived(pointer, { accountId: ACCOUNT, deviceId: LINKER });
    await started;
    first.db.close();

    const second = start(name, { download: () => Promise.resolve(ciphertext) });
    await second.transfer.resume();
    await second.finished;
    expect(second.imported).toEqual(CHATS);
  });

  it('takes an archive only from the linking device, for this device, once', async () => {
    const { pointer, ciphertext } = await sealedArchive();
    const name = `history-resume-${++databases}`;
    const device = start(name, { download: () => Promise.resolve(ciphertext) });
    const linker = { accountId: ACCOUNT, deviceId: LINKER };
    // Before the link nothing is expected.
    await device.transfer.archiveArrived(pointer, linker);
    await device.transfer.expectFrom(LINKER);
    await device.transfer.archiveArrived(pointer, { accountId: ACCOUNT, deviceId: 3 });
    const elsewhere = create(HistoryArchiveSchema, { ...pointer, forDeviceId: 3 });
    await device.transfer.archiveArrived(elsewhere, linker);
    expect(await device.db.historyImport.get('pending')).toEqual({
      key: 'pending',
      expectedFrom: LINKER,
    });
    await device.transfer.archiveArrived(pointer, linker);
    await device.finished;
    expect(device.imported).toEqual(CHATS);
    await device.transfer.archiveArrived(pointer, linker);
    expect(await device.db.historyImport.count()).toBe(0);
    expect(device.imported).toHaveLength(CHATS.length);
  });

  it('forgets an archive the relay no longer has, and keeps one that failed for now', async () => {
    const { pointer } = await sealedArchive();
    const linker = { accountId: ACCOUNT, deviceId: LINKER };
    const gone = start(`history-resume-${++databases}`, {
      download: () => Promise.reject(new ParleyError('ATTACHMENT_GONE', 'expired')),
    });
    await gone.transfer.expectFrom(LINKER);
    await gone.transfer.archiveArrived(pointer, linker);
    expect(await gone.finished).toMatchObject({ state: 'failed' });
    expect(await gone.db.historyImport.count()).toBe(0);

    const offline = start(`history-resume-${++databases}`, {
      download: () => Promise.reject(new ParleyError('RELAY_UNREACHABLE', 'offline')),
    });
    await offline.transfer.expectFrom(LINKER);
    await offline.transfer.archiveArrived(pointer, linker);
    expect(await offline.finished).toMatchObject({ state: 'failed' });
    expect((await offline.db.historyImport.get('pending'))?.archive?.imported).toBe(0);
  });
});
