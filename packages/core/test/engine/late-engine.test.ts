import * as SignalTs from '@parley/signal-ts';
import { describe, expect, it } from 'vitest';
import { lateEngine } from '../../src/crypto/late-engine.js';
import { useRelay } from '../support/fixture.js';
import { texts, waitFor } from '../support/wait.js';

describe('a Signal engine supplied as a lazy import', () => {
  it('refuses a use before it loaded, and is the engine after', async () => {
    let resolve!: (engine: typeof SignalTs) => void;
    const { engine, ready } = lateEngine(() => new Promise((r) => (resolve = r)));
    expect(() => engine.PrivateKey.generate()).toThrow(/PrivateKey.*before it loaded/);
    resolve(SignalTs);
    await ready;
    const key = engine.PrivateKey.generate();
    expect(key.getPublicKey().serialize()).toHaveLength(33);
  });

  describe('through createMessenger', () => {
    const fx = useRelay();

    it('registers and chats with a messenger whose engine loaded while its first screen was read', async () => {
      const lazy = await fx.messenger(undefined, undefined, () => import('@parley/signal-ts'), {
        firstScreenFirst: true,
      });
      const peer = await fx.messenger();
      const chat = await fx.meet(lazy, peer);
      await lazy.sendText(chat, 'hello from the lazy engine');
      await waitFor(() => texts(peer, chat).includes('hello from the lazy engine'), 'peer gets it');
      await peer.sendText(chat, 'and back');
      await waitFor(() => texts(lazy, chat).includes('and back'), 'lazy gets the reply');
    });
  });
});
