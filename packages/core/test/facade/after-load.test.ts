import { describe, expect, it } from 'vitest';
import type { Messenger } from '../../src/facade/api.js';
import { afterLoad } from '../../src/facade/after-load.js';

/**
 * While the rest of open() runs after the first screen (docs/decisions/0820), verbs wait for it
 * and reads answer at once. The messenger here is a stand-in recording calls: what is tested is
 * the gate, not a verb.
 */
function recorder() {
  const calls: string[] = [];
  const messenger = {
    conversationList: { get: () => [] },
    closed: false,
    sendText(conversationId: string) {
      calls.push(`send ${conversationId}`);
      return Promise.resolve(`id-${conversationId}`);
    },
    setTyping(conversationId: string) {
      calls.push(`typing ${conversationId}`);
    },
    messageHistory(conversationId: string) {
      calls.push(`history ${conversationId}`);
      return [];
    },
    async close() {
      this.closed = true;
    },
  };
  return { messenger, calls };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe('the messenger after the first screen', () => {
  it('runs verbs only once the rest is loaded, and reads at once', async () => {
    const { messenger, calls } = recorder();
    const loaded = deferred();
    const gated = afterLoad(messenger as unknown as Messenger, loaded.promise);
    const sent = gated.sendText('c1', 'hi');
    gated.setTyping('c1', true);
    gated.messageHistory('c1', 'm1');
    expect(gated.conversationList).toBe(messenger.conversationList);
    await Promise.resolve();
    expect(calls).toEqual(['history c1']);
    loaded.resolve();
    expect(await sent).toBe('id-c1');
    expect(calls).toEqual(['history c1', 'send c1', 'typing c1']);
    gated.setTyping('c2', false);
    expect(calls.at(-1)).toBe('typing c2');
  });

  it('calls verbs on the messenger itself, and fails them when loading failed', async () => {
    const { messenger } = recorder();
    const gated = afterLoad(messenger as unknown as Messenger, Promise.resolve());
    await gated.close();
    expect(messenger.closed).toBe(true);
    const failed = afterLoad(messenger as unknown as Messenger, Promise.reject(new Error('disk')));
    await expect(failed.sendText('c1', 'hi')).rejects.toThrow('disk');
  });
});
