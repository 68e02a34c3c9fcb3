import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RelayClient, type RelaySocket } from '@parley/relay-client';
import { address, bytes, registerAccount, type TestAccount } from './support/accounts.js';
import { startRelayPair, type RelayPair } from './support/relay-pair.js';

/** Resolves with the server ids of the first `n` envelopes the socket is handed. */
function takeEnvelopes(socket: RelaySocket, n: number): Promise<bigint[]> {
  const taken: bigint[] = [];
  return new Promise((resolve) => {
    socket.onEnvelope = (envelope) => {
      taken.push(envelope.serverId);
      if (taken.length === n) resolve(taken);
    };
  });
}

/**
 * Decision 0162: the mailbox cap holds across relay processes without any "mailboxes changed"
 * broadcast. Each process's cached depth is an upper bound (other processes' acks only lower
 * the truth); it is counted again under the mailbox lock when another process wrote the mailbox
 * since, and before any refusal. Two relays share one PostgreSQL database and one Redis.
 */
describe('mailbox cap shared by two relay processes', () => {
  const CAP = 3;
  let pair: RelayPair;
  let sender: TestAccount;
  let recipient: TestAccount;
  let bystander: TestAccount;
  const sockets: RelaySocket[] = [];

  beforeAll(async () => {
    pair = await startRelayPair({ mailboxCap: CAP });
    const client = new RelayClient(pair.relays[0].url);
    sender = await registerAccount(client, 2);
    recipient = await registerAccount(client);
    bystander = await registerAccount(client);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await pair.stop();
  });

  it("counts every process's entries and frees room acked on the other process", async () => {
    const [a, b] = pair.relays.map((relay) => new RelayClient(relay.url)) as [
      RelayClient,
      RelayClient,
    ];
    const onA = await a.connect(sender.devices[0]!);
    const onB = await b.connect(sender.devices[1]!);
    sockets.push(onA, onB);
    const to = (account: TestAccount) => address(account.devices[0]!);
    const refused = async (socket: RelaySocket, id: string, account = recipient) =>
      (await socket.send(id, [{ destination: to(account), content: bytes(id) }])).rejected
        .length === 1;

    // A fills the mailbox; B, counting it for the first time, finds it full; A, at its cap, too.
    for (const id of ['a1', 'a2', 'a3']) expect(await refused(onA, id)).toBe(false);
    expect(await refused(onB, 'b1')).toBe(true);
    expect(await refused(onA, 'a4')).toBe(true);

    // The recipient acks everything on B. A send from B to another mailbox commits after the
    // acks (one group committer per process, in order): then the deletes are durable.
    const receiver = await b.connect(recipient.devices[0]!);
    sockets.push(receiver);
    const backlog = await takeEnvelopes(receiver, CAP);
    receiver.ack(backlog);
    expect(await refused(onB, 'barrier', bystander)).toBe(false);
    receiver.close();

    // A's cached depth (3) is now above the truth (0): it counts again rather than refuse.
    expect(await refused(onA, 'a5')).toBe(false);
    // B writes two more; A's cached depth (1) misses them, the mailbox's highest id tells it.
    expect(await refused(onB, 'b2')).toBe(false);
    expect(await refused(onB, 'b3')).toBe(false);
    expect(await refused(onA, 'a6')).toBe(true);
  });
});
