import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createMessenger, MUTED_FOREVER, ParleyError } from '../../src/index.js';
import type { AccountSettingsView, Messenger } from '../../src/facade/api.js';
import { localSearchBackend } from '../../src/search/index.js';
import { engines } from '../engine/engines.js';

// No relay: an unregistered messenger never connects, and settings live on the device.
function open(databaseName: string): Promise<Messenger> {
  return createMessenger({
    relayUrl: 'http://127.0.0.1:9',
    databaseName,
    engine: engines[0]!.engine,
    WebSocket,
    searchBackend: localSearchBackend,
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
});
