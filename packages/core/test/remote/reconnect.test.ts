import { describe, expect, it } from 'vitest';
import {
  BACKEND_CHANGED,
  createRemoteMessenger,
  type BackendMessage,
  type RemotePort,
  type RendererMessage,
} from '../../src/remote/index.js';

/**
 * A scripted backend on an in-memory port: it answers every watch with a snapshot naming itself
 * and records calls, answering them only when `answers` is set. The real serveMessenger is
 * exercised by the desktop and web end-to-end tests; here the point is what the remote side does
 * when its backend goes away mid-call (docs/decisions/0710).
 */
function backend(label: string, answers: boolean) {
  const calls: Array<Extract<RendererMessage, { type: 'call' }>> = [];
  const watches: string[] = [];
  let deliver: (message: BackendMessage) => void = () => undefined;
  const answer = (message: BackendMessage) => queueMicrotask(() => deliver(message));
  const port: RemotePort<BackendMessage, RendererMessage> = {
    listen: (listener) => (deliver = listener),
    postMessage(message) {
      if (message.type === 'watch') {
        watches.push(message.name);
        const value = message.name === 'messages' ? [label] : { label };
        answer({ type: 'snapshot', id: message.id, value });
      } else if (message.type === 'call') {
        calls.push(message);
        if (answers) answer({ type: 'result', id: message.id, value: `${label}:${message.name}` });
      }
    },
  };
  return { port, calls, watches, send: (message: BackendMessage) => deliver(message) };
}

describe('a remote messenger moving to a new backend', () => {
  it('repeats retry-safe calls with the same idempotency key and fails the others', async () => {
    const first = backend('first', false);
    const remote = await createRemoteMessenger(first.port);
    const chat = remote.messages('c1');
    const seen: unknown[] = [];
    chat.subscribe(() => seen.push(chat.getSnapshot()));

    const sent = remote.sendText('c1', 'hello');
    const group = remote.createGroup('g', ['bob']);
    const firstSend = first.calls.find((c) => c.name === 'sendText')!;
    const messageId = (firstSend.args[2] as { messageId: string }).messageId;
    expect(messageId).toMatch(/^[0-9a-f-]{36}$/);

    const second = backend('second', true);
    remote.reconnect(second.port);

    await expect(sent).resolves.toBe('second:sendText');
    await expect(group).rejects.toMatchObject({ code: BACKEND_CHANGED });
    expect(second.calls.map((c) => c.name)).toEqual(['sendText']);
    expect(second.calls[0]!.args).toEqual(['c1', 'hello', { messageId }]);

    // What was watched is watched at the new backend; the old one's late answers are dropped.
    expect(second.watches).toEqual(expect.arrayContaining(['self', 'connection', 'messages']));
    await expect.poll(() => chat.getSnapshot()).toEqual(['second']);
    first.send({ type: 'snapshot', id: 1, value: { label: 'stale' } });
    first.send({ type: 'result', id: firstSend.id, value: 'stale' });
    expect((remote.self.getSnapshot() as unknown as { label: string }).label).toBe('second');
    expect(seen.at(-1)).toEqual(['second']);
  });

  it('keeps a caller-chosen message id, and keys attachments sent without a caption', async () => {
    const only = backend('only', true);
    const remote = await createRemoteMessenger(only.port);
    await remote.sendText('c1', 'hi', { messageId: 'chosen' });
    expect(only.calls[0]!.args[2]).toEqual({ messageId: 'chosen' });
    const file = { bytes: new Uint8Array(1), contentType: 'image/png' };
    await remote.sendAttachment('c1', file);
    expect(only.calls[1]!.args).toEqual(['c1', file, undefined, { messageId: expect.any(String) }]);
  });
});
