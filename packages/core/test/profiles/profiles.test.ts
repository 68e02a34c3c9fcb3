import { describe, expect, it } from 'vitest';
import type { Messenger, MessengerEvent } from '../../src/facade/api.js';
import type { MessengerDeps } from '../../src/facade/messenger.js';
import { openProfile } from '../../src/profiles/profile-cipher.js';
import { uniqueUsername, useRelay } from '../support/fixture.js';
import { linkDevice } from '../support/link.js';
import { foundInRelay } from '../support/relay-contents.js';
import { texts, waitFor } from '../support/wait.js';

const AVATAR = `data:image/jpeg;base64,${Buffer.from('a tiny avatar').toString('base64')}`;

const title = (messenger: Messenger, conversationId: string) =>
  messenger
    .conversations()
    .getSnapshot()
    .find((c) => c.id === conversationId)?.title;

/** The own profile key, read from the account document (never exposed by the facade). */
const ownKey = (messenger: Messenger) =>
  (messenger as unknown as { deps: MessengerDeps }).deps.accountSettings.ownProfile()?.key;

const depsOf = (messenger: Messenger) => (messenger as unknown as { deps: MessengerDeps }).deps;
const profilesOf = (messenger: Messenger) => depsOf(messenger).profiles;
/** The profile key `messenger` holds for `accountId` (test access to the store's cache). */
const knownKey = (messenger: Messenger, accountId: string) =>
  (profilesOf(messenger) as unknown as { known: Map<string, { key: Uint8Array }> }).known.get(
    accountId,
  )!.key;

describe('encrypted profiles through the real relay', () => {
  const fx = useRelay();

  async function registered(prefix: string) {
    const messenger = await fx.messenger();
    const username = uniqueUsername(prefix);
    await messenger.register(username);
    return { messenger, username };
  }

  it("shows a stranger's profile only once the request is accepted, then follows its changes", async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const name = fx.text('Alice Liddell');
    const about = fx.text('curiouser');
    await alice.messenger.setProfile({ name, about, avatar: AVATAR });
    expect(alice.messenger.profiles.getSnapshot().self).toEqual({
      name,
      about,
      avatar: AVATAR,
    });

    const chat = await alice.messenger.openDirectConversation(bob.username);
    const hello = fx.text('hello');
    await alice.messenger.sendText(chat, hello);
    await waitFor(() => texts(bob.messenger, chat).includes(hello), 'bob gets the request');
    await bob.messenger.settled();
    // The key arrived with the request, but a stranger's profile is neither fetched nor shown.
    await profilesOf(bob.messenger).idle();
    expect(bob.messenger.profiles.getSnapshot().contacts).toEqual({});
    expect(title(bob.messenger, chat)).toBe(alice.username);

    const changed: MessengerEvent[] = [];
    bob.messenger.on((event) => event.type === 'profile-changed' && changed.push(event));
    await bob.messenger.acceptMessageRequest(chat);
    await waitFor(() => title(bob.messenger, chat) === name, 'the name after accepting');
    const shown = bob.messenger
      .conversations()
      .getSnapshot()
      .find((c) => c.id === chat);
    expect(shown).toMatchObject({ title: name, avatar: AVATAR, peerUsername: alice.username });
    expect(changed).toEqual([
      { type: 'profile-changed', accountId: alice.messenger.self.getSnapshot()!.accountId },
    ]);

    // A change is announced to contacts with its version; Bob fetches it.
    const renamed = fx.text('Alice L.');
    await alice.messenger.setProfile({ name: renamed, avatar: null });
    await waitFor(() => title(bob.messenger, chat) === renamed, 'the new name');
    expect(
      bob.messenger
        .conversations()
        .getSnapshot()
        .find((c) => c.id === chat)?.avatar,
    ).toBeUndefined();

    // The name Bob gave wins over the profile's, as in Signal.
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    await bob.messenger.updateAccountSettings({
      kind: 'rename-contact',
      accountId: aliceId,
      name: 'Ally',
    });
    await waitFor(() => title(bob.messenger, chat) === 'Ally', 'the given name');
  });

  it('fetches a profile again once back online when the relay could not be reached', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    // Bob's reads of Alice's profile fail as a dropped network does (the one boundary faked).
    const realFetch = globalThis.fetch;
    let refused!: () => void;
    const wasRefused = new Promise<void>((resolve) => (refused = resolve));
    globalThis.fetch = (input, init) => {
      if (String(input instanceof Request ? input.url : input).endsWith(`/v1/profile/${aliceId}`)) {
        refused();
        return Promise.reject(new TypeError('fetch failed'));
      }
      return realFetch(input, init);
    };
    const name = fx.text('Alice Liddell');
    let chat = '';
    try {
      await alice.messenger.setProfile({ name });
      chat = await bob.messenger.openDirectConversation(alice.username);
      await bob.messenger.sendText(chat, fx.text('hello'));
      const reply = fx.text('hi');
      await waitFor(() => texts(alice.messenger, chat).length > 0, 'alice gets the request');
      await alice.messenger.acceptMessageRequest(chat);
      await alice.messenger.sendText(chat, reply);
      await waitFor(() => texts(bob.messenger, chat).includes(reply), 'bob gets the reply');
      await wasRefused;
      await profilesOf(bob.messenger).idle();
      expect(title(bob.messenger, chat)).toBe(alice.username);
    } finally {
      globalThis.fetch = realFetch;
    }
    // Nothing announces the profile again: Bob's next connection fetches what it missed.
    await fx.relay.stop();
    await fx.relay.restart();
    await waitFor(() => title(bob.messenger, chat) === name, 'the name once back online');
  });

  it('blocking rotates the profile key; the blocked account keeps the old profile, contacts follow', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const carol = await registered('carol');
    const name = fx.text('Alice');
    await alice.messenger.setProfile({ name });
    const firstKey = ownKey(alice.messenger);
    expect(firstKey).toHaveLength(32);

    const withBob = await alice.messenger.openDirectConversation(bob.username);
    const withCarol = await alice.messenger.openDirectConversation(carol.username);
    await alice.messenger.sendText(withBob, fx.text('hi bob'));
    await alice.messenger.sendText(withCarol, fx.text('hi carol'));
    for (const [peer, chat] of [
      [bob.messenger, withBob],
      [carol.messenger, withCarol],
    ] as const) {
      await waitFor(() => title(peer, chat) === alice.username, 'the request arrives');
      await peer.acceptMessageRequest(chat);
      await waitFor(() => title(peer, chat) === name, 'the profile after accepting');
    }

    const carolId = carol.messenger.self.getSnapshot()!.accountId;
    await alice.messenger.updateAccountSettings({ kind: 'block', accountId: carolId });
    await waitFor(() => {
      const key = ownKey(alice.messenger);
      return key && Buffer.compare(Buffer.from(key), Buffer.from(firstKey!)) !== 0;
    }, 'a new profile key');

    const renamed = fx.text('Alice again');
    await alice.messenger.setProfile({ name: renamed });
    await waitFor(() => title(bob.messenger, withBob) === renamed, 'bob follows the change');
    // Carol holds the old key only: the profile on the relay no longer opens with it, while
    // Bob's (the new one) opens it; Carol's view keeps the name she had.
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    const stored = await depsOf(carol.messenger).http.getProfile(aliceId);
    const sealed = Buffer.from(stored!.ciphertext, 'base64');
    const keyAt = (messenger: Messenger) => knownKey(messenger, aliceId);
    expect(() => openProfile(keyAt(carol.messenger), aliceId, stored!.version, sealed)).toThrow(
      expect.objectContaining({ code: 'PROFILE_CORRUPT' }),
    );
    expect(openProfile(keyAt(bob.messenger), aliceId, stored!.version, sealed).name).toBe(renamed);
    profilesOf(carol.messenger).refreshContacts();
    await profilesOf(carol.messenger).idle();
    expect(title(carol.messenger, withCarol)).toBe(name);
  });

  it("ignores a blocked account's profile: hidden at once, its changes never fetched", async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const name = fx.text('Alice');
    await alice.messenger.setProfile({ name });
    const chat = await bob.messenger.openDirectConversation(alice.username);
    await bob.messenger.sendText(chat, fx.text('hi alice'));
    await waitFor(() => texts(alice.messenger, chat).length > 0, 'alice gets it');
    await alice.messenger.acceptMessageRequest(chat);
    await waitFor(() => title(bob.messenger, chat) === name, 'bob sees her profile');

    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    await bob.messenger.updateAccountSettings({ kind: 'block', accountId: aliceId });
    await waitFor(() => title(bob.messenger, chat) === alice.username, 'hidden on block');
    expect(bob.messenger.profiles.getSnapshot().contacts).toEqual({});

    await alice.messenger.setProfile({ name: fx.text('Alice changed') });
    await alice.messenger.sent();
    // Bob's mailbox is ordered: once Alice's later message is handled (dropped, she is blocked),
    // her announcement before it was too.
    await alice.messenger.sendText(chat, fx.text('after'));
    await alice.messenger.sent();
    await bob.messenger.settled();
    await profilesOf(bob.messenger).idle();
    expect(title(bob.messenger, chat)).toBe(alice.username);
  });

  it('keeps the own profile in the account document: every device shows and edits it', async () => {
    const alice = await registered('alice');
    const laptop = await fx.messenger();
    await linkDevice(alice.messenger, laptop);
    const name = fx.text('Alice');
    await alice.messenger.setProfile({ name, avatar: AVATAR });
    await waitFor(() => laptop.profiles.getSnapshot().self?.name === name, 'the laptop has it');
    expect(laptop.profiles.getSnapshot().self).toEqual({ name, avatar: AVATAR });
    expect(ownKey(laptop)).toEqual(ownKey(alice.messenger));

    // The laptop edits it under the same key, at the next version, keeping the avatar.
    const renamed = fx.text('Alice on the laptop');
    await laptop.setProfile({ name: renamed });
    await waitFor(() => alice.messenger.profiles.getSnapshot().self?.name === renamed, 'synced');
    expect(alice.messenger.profiles.getSnapshot().self?.avatar).toBe(AVATAR);
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    const stored = await depsOf(alice.messenger).http.getProfile(aliceId);
    expect(stored?.version).toBe(2);
    const opened = openProfile(
      ownKey(alice.messenger)!,
      aliceId,
      2,
      Buffer.from(stored!.ciphertext, 'base64'),
    );
    expect(opened).toEqual({ name: renamed, avatar: AVATAR });
  });

  it("a newly linked device shows its contacts' profiles without waiting for them to change", async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const name = fx.text('Alice on every device');
    await alice.messenger.setProfile({ name });
    const chat = await bob.messenger.openDirectConversation(alice.username);
    await bob.messenger.sendText(chat, fx.text('hi'));
    await waitFor(() => texts(alice.messenger, chat).length === 1, 'alice gets it');
    await alice.messenger.acceptMessageRequest(chat);
    await waitFor(() => title(bob.messenger, chat) === name, 'bob shows her name');

    // Bob links a laptop: his phone hands it the contacts' keys it holds (Alice changes nothing).
    const laptop = await fx.messenger();
    await linkDevice(bob.messenger, laptop);
    await waitFor(() => title(laptop, chat) === name, "the laptop shows alice's name");
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    expect(laptop.profiles.getSnapshot().contacts[aliceId]).toMatchObject({ name });
  });

  it('shares the key with group members, who show the profile name once they join', async () => {
    const alice = await registered('alice');
    const bob = await registered('bob');
    const name = fx.text('Alice');
    await alice.messenger.setProfile({ name, avatar: AVATAR });
    const group = await alice.messenger.createGroup('tea party', [bob.username]);
    const hello = fx.text('hello group');
    await alice.messenger.sendText(group, hello);
    await waitFor(() => texts(bob.messenger, group).includes(hello), 'bob is in the group');
    const aliceId = alice.messenger.self.getSnapshot()!.accountId;
    const member = () =>
      bob.messenger.groupInfo(group)?.members.find((m) => m.accountId === aliceId);
    // A group a stranger adds Bob to is a request (decision 0330): her profile waits for Join.
    await bob.messenger.settled();
    await profilesOf(bob.messenger).idle();
    expect(member()?.displayName).toBeUndefined();
    const bubble = () =>
      bob.messenger
        .messages(group)
        .getSnapshot()
        .find((m) => m.body === hello);
    expect(bubble()?.senderName).toBe(alice.username);
    await bob.messenger.acceptMessageRequest(group);
    await waitFor(() => member()?.displayName === name, 'her profile name among the members');
    expect(member()).toMatchObject({ username: alice.username, displayName: name, avatar: AVATAR });
    // Her messages are signed with it too, and the name Bob gives her comes first.
    expect(bubble()).toMatchObject({ senderUsername: alice.username, senderName: name });
    const nickname = fx.text('Auntie A');
    await bob.messenger.updateAccountSettings({
      kind: 'rename-contact',
      accountId: aliceId,
      name: nickname,
    });
    await waitFor(() => bubble()?.senderName === nickname, 'the name Bob gave her on her bubble');
  });

  it('leaves no profile name, about line or photo in the relay database or logs', async () => {
    // Every name and about line above came from fx.text; the photo's base64 is scanned too.
    await fx.relay.stop();
    expect(foundInRelay(fx.relay, [...fx.plaintexts, AVATAR.split(',')[1]!])).toEqual([]);
    await fx.relay.restart();
  });
});

describe('profiles under the relay rate limit on reads', () => {
  // One profile read at once, then two a second: Bob's second contact is refused at first.
  const fx = useRelay([], { profileFetchesPerAccount: { burst: 1, perSecond: 2 } });

  it('waits as the relay says and fetches again: no contact is left showing a username', async () => {
    const bob = await fx.messenger();
    const bobName = uniqueUsername('bob');
    await bob.register(bobName);
    const chats: { chat: string; name: string }[] = [];
    for (const prefix of ['alice', 'carol']) {
      const peer = await fx.messenger();
      await peer.register(uniqueUsername(prefix));
      const name = fx.text(prefix);
      await peer.setProfile({ name });
      const chat = await peer.openDirectConversation(bobName);
      const hello = fx.text('hello');
      await peer.sendText(chat, hello);
      await waitFor(() => texts(bob, chat).includes(hello), `${prefix}'s request`);
      chats.push({ chat, name });
    }
    await bob.settled();
    for (const { chat } of chats) await bob.acceptMessageRequest(chat);
    for (const { chat, name } of chats)
      await waitFor(() => title(bob, chat) === name, `${name} after the wait`);
  });
});
