import type { Messenger, MessageView } from '../../src/facade/api.js';

/**
 * Polls until `check` returns a truthy value (the relay and peers work asynchronously). The limit
 * only stops a hung test; it is far above what a loaded machine needs.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Shows the chat and waits until its rows are read (docs/decisions/0821): what an app sees once
 * it opened the chat, rather than the first screen's page shown meanwhile.
 */
export async function openChat(messenger: Messenger, conversationId: string): Promise<void> {
  messenger.messages(conversationId).getSnapshot();
  await messenger.settled();
}

export function texts(messenger: Messenger, conversationId: string): string[] {
  return messenger
    .messages(conversationId)
    .getSnapshot()
    .filter((m) => m.kind === 'text')
    .map((m) => m.body);
}

export function find(
  messenger: Messenger,
  conversationId: string,
  id: string,
): MessageView | undefined {
  return messenger
    .messages(conversationId)
    .getSnapshot()
    .find((m) => m.id === id);
}
