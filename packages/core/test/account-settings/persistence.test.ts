import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeAutomerge } from '../../src/native.js';
import { createMessenger, MUTED_FOREVER, ParleyError } from '../../src/index.js';
import type { AccountSettingsView, Messenger } from '../../src/facade/api.js';
import { localSearchBackend } from '../../src/search/index.js';
import * as callsKit from '../../src/calls/calls-kit.js';
import * as provisioning from '../../src/linking/provisioning.js';
import { ParleyDatabase } from '../../src/store/database.js';
import { engines } from '../engine/engines.js';

// No relay: an unregistered messenger never connects, and settings live on the device.
function open(databaseName: string): Promise<Messenger> {
  return createMessenger({
    relayUrl: 'http://127.0.0.1:9',
    databaseName,
    engine: engines[0]!.engine,
    automerge: nodeAutomerge,
    WebSocket,
    searchBackend: localSearchBackend,
    calls: async () => callsKit,
    provisioning: async () => provisioning,
  });
}

function nextChange(messenger: Messenger): Promise<AccountSettingsView> {
  return new Promise((resolve) => {
    const stop = messenger.accountSettings.subscribe(() => {
      stop();
      resolve(messenger.accountSettings.getSnapshot());
    });
  });
}

describe('account settings on one device', () => {
  it('start at the defaults, notify subscribers of each change, and survive a restart', async () => {
    const name = `settings-${crypto.randomUUID()}`;
    let messenger = await open(name);
    expect(messenger.accountSettings.getSnapshot()).toEqual({
      readReceipts: true,
      typingIndicators: true,
      theme: 'system',
      blocked: [],
      contactNames: {},
      chats: {},
      acceptedRequests: [],
    });

    const notified = nextChange(messenger);
    await messenger.updateAccountSettings({ kind: 'set-read-receipts', enabled: false });
    expect((await notified).readReceipts).toBe(false);

    await messenger.updateAccountSettings({ kind: 'set-theme', theme: 'dark' });
    await messenger.updateAccountSettings({ kind: 'block', accountId: 'acct-b' });
    await messenger.updateAccountSettings({ kind: 'block', accountId: 'acct-a' });
    await messenger.updateAccountSettings({ kind: 'unblock', accountId: 'acct-b' });
    await messenger.updateAccountSettings({
      kind: 'rename-contact',
      accountId: 'acct-c',
      name: ' Cy ',
    });
    await messenger.updateAccountSettings({
      kind: 'rename-contact',
      accountId: 'acct-d',
      name: 'Di',
    });
    await messenger.updateAccountSettings({
      kind: 'rename-contact',
      accountId: 'acct-d',
      name: null,
    });
    await messenger.updateAccountSettings({ kind: 'set-chat', conversationId: 'c1', pinned: true });
    await messenger.updateAccountSettings({
      kind: 'set-chat',
      conversationId: 'c1',
      mutedUntil: MUTED_FOREVER,
    });
    const before = messenger.accountSettings.getSnapshot();
    expect(messenger.accountSettings.getSnapshot()).toBe(before); // stable until it changes
    await messenger.close();

    messenger = await open(name);
    const after = messenger.accountSettings.getSnapshot();
    expect(after).toEqual(before);
    expect(after).toEqual({
      readReceipts: false,
      typingIndicators: true,
      theme: 'dark',
      blocked: ['acct-a'],
      contactNames: { 'acct-c': 'Cy' },
      chats: { c1: { pinned: true, archived: false, mutedUntil: MUTED_FOREVER } },
      acceptedRequests: [],
    });
    await messenger.close();
  });

  it('refuses malformed changes with INVALID_SETTING and keeps the settings', async () => {
    const messenger = await open(`settings-${crypto.randomUUID()}`);
    const bad = [
      { kind: 'block', accountId: '' },
      { kind: 'set-theme', theme: 'neon' },
      { kind: 'set-chat', conversationId: 'c', mutedUntil: -1 },
      { kind: 'set-chat', conversationId: 'c', mutedUntil: 1.5 },
      { kind: 'rename-contact', accountId: 'a', name: 'x'.repeat(65) },
      { kind: 'set-typing-indicators', enabled: 'no' },
    ];
    for (const change of bad) {
      const error = await messenger.updateAccountSettings(change as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(change)).toBeInstanceOf(ParleyError);
      expect((error as ParleyError).code).toBe('INVALID_SETTING');
    }
    expect(messenger.accountSettings.getSnapshot().theme).toBe('system');
    expect(messenger.accountSettings.getSnapshot().blocked).toEqual([]);
    await messenger.close();
  });

  it('migrates the earlier local JSON log into the account document, once', async () => {
    const name = `settings-${crypto.randomUUID()}`;
    await (await open(name)).close();
    // The log as the earlier version wrote it: one JSON change per row.
    const db = new ParleyDatabase(name);
    await db.open();
    await db.accountDocument.clear();
    const encode = (change: object) => new TextEncoder().encode(JSON.stringify(change));
    await db.accountDocument.bulkAdd([
      { bytes: encode({ kind: 'set-theme', theme: 'light' }) },
      { bytes: encode({ kind: 'block', accountId: 'acct-x' }) },
      { bytes: encode({ kind: 'set-chat', conversationId: 'c9', archived: true }) },
      { bytes: encode({ kind: 'set-theme', theme: 'neon' }) }, // invalid: skipped
    ]);
    db.close();

    let messenger = await open(name);
    const migrated = messenger.accountSettings.getSnapshot();
    expect(migrated.theme).toBe('light');
    expect(migrated.blocked).toEqual(['acct-x']);
    expect(migrated.chats['c9']).toEqual({ pinned: false, archived: true, mutedUntil: 0 });
    await messenger.close();

    const reopened = new ParleyDatabase(name);
    await reopened.open();
    const rows = await reopened.accountDocument.toArray();
    reopened.close();
    expect(rows).toHaveLength(1); // rewritten as one Automerge save, no JSON left
    expect(rows[0]!.bytes[0]).not.toBe(0x7b);
    messenger = await open(name);
    expect(messenger.accountSettings.getSnapshot()).toEqual(migrated);
    await messenger.close();
  });
});
