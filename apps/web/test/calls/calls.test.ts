/**
 * Voice and video calls between real Chromium pages, through the real relay, inside the network
 * namespace scripts/netns-run.sh makes (`npm run test:calls`): Chromium's fake camera and
 * microphone, simple-peer, signalling as end-to-end encrypted Content. Nothing is mocked.
 */
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from '../e2e/harness/axe.js';
import { linkSecondDevice } from '../e2e/harness/link-device.js';
import { pushTo, shownNotifications, type ShownNotification } from '../e2e/harness/push.js';
import { startStack, type Stack } from '../e2e/harness/stack.js';
import {
  acceptRequest,
  chatRow,
  joinGroup,
  meetInChat,
  openChat,
  openUser,
  resultsDir,
  signUp,
  startChat,
  send,
  waitForChat,
  type User,
} from '../e2e/harness/user.js';
import { startTurnServer, type TurnServer } from './harness/turn-server.js';
import {
  CALL_CHROMIUM_ARGS,
  mediaCounters,
  recordPeerConnections,
  remoteVideoFrames,
} from './harness/webrtc-probe.js';

const POLL = { timeout: 60_000 };

async function caller(stack: Stack, base: string, colorScheme: 'light' | 'dark' = 'light') {
  const user = await openUser(stack, base, { colorScheme });
  await recordPeerConnections(user.page);
  await user.page.reload();
  return user;
}

const incoming = (user: User) => user.page.getByRole('alertdialog', { name: /^Incoming/ });
const callScreen = (user: User) => user.page.getByRole('dialog', { name: /^Call with/ });

/** The outcome and direction of the newest call entry in the open chat. */
async function lastCallEntry(user: User) {
  const entry = user.page.locator('[data-call-outcome]').last();
  const duration = entry.locator('[data-duration-ms]');
  return {
    outcome: await entry.getAttribute('data-call-outcome'),
    direction: await entry.getAttribute('data-call-direction'),
    text: await entry.textContent(),
    /** The answered call's length as the entry holds it (0 without one). */
    durationMs: (await duration.count())
      ? Number(await duration.getAttribute('data-duration-ms'))
      : 0,
  };
}

async function callEntries(user: User): Promise<number> {
  return user.page.locator('[data-call-outcome]').count();
}

async function ring(from: User, to: User, media: 'Voice' | 'Video') {
  await from.page.getByRole('button', { name: `${media} call with ${to.username}` }).click();
  await incoming(to).waitFor(POLL);
}

describe('1:1 calls', () => {
  let stack: Stack;
  let alice: User;
  let bob: User;
  let met: Promise<void> | undefined;
  beforeAll(async () => {
    stack = await startStack(CALL_CHROMIUM_ARGS);
  });
  afterAll(() => stack.close());

  /** Alice and Bob in one chat (expect.poll needs a test around it, hence not in beforeAll). */
  const meet = () =>
    (met ??= (async () => {
      alice = await caller(stack, 'alice');
      bob = await caller(stack, 'bob', 'dark');
      await signUp(alice);
      await signUp(bob);
      await startChat(alice, bob.username);
      await send(alice, bob.username, 'Can I call you?');
      await waitForChat(bob, alice.username);
      await openChat(bob, alice.username);
      await acceptRequest(bob, alice.username);
    })());

  it('rings, connects media both ways, mutes, and hangs up with entries and duration on both sides', async () => {
    await meet();
    await ring(alice, bob, 'Video');
    expect(await incoming(bob).getByRole('heading').textContent()).toBe(alice.username);
    await expect.poll(() => callScreen(alice).getByText('Ringing…').count(), POLL).toBe(1);
    await mkdir(resultsDir, { recursive: true });
    await bob.page.screenshot({ path: `${resultsDir}/call-incoming-dark.png` });
    expect(await seriousViolations(bob.page)).toEqual([]);

    await incoming(bob).getByRole('button', { name: 'Accept' }).click();
    await callScreen(bob).waitFor();

    // Media flows both ways: bytes grow on both sides and the remote video shows frames.
    for (const user of [alice, bob]) {
      await expect.poll(async () => (await mediaCounters(user.page)).connections, POLL).toBe(1);
      const before = await mediaCounters(user.page);
      await expect
        .poll(async () => {
          const now = await mediaCounters(user.page);
          return (
            now.audioBytesReceived > before.audioBytesReceived &&
            now.videoBytesReceived > before.videoBytesReceived &&
            now.framesDecoded > 0
          );
        }, POLL)
        .toBe(true);
      await expect
        .poll(async () => (await remoteVideoFrames(user.page))[0] ?? 0, POLL)
        .toBeGreaterThan(0);
      await callScreen(user).getByTestId('call-timer').waitFor(POLL);
    }
    await alice.page.screenshot({ path: `${resultsDir}/call-active-light.png` });
    await bob.page.screenshot({ path: `${resultsDir}/call-active-dark.png` });
    expect(await seriousViolations(alice.page)).toEqual([]);
    expect(await seriousViolations(bob.page)).toEqual([]);

    // Mute: Bob keeps receiving Alice's video but no more of her audio.
    await alice.page.getByRole('button', { name: 'Mute microphone' }).click();
    await expect
      .poll(() =>
        alice.page.getByRole('button', { name: 'Mute microphone' }).getAttribute('aria-pressed'),
      )
      .toBe('true');
    // Packets already in flight may still land: wait until two reads in a row agree.
    let settled = -1;
    await expect
      .poll(async () => {
        const bytes = (await mediaCounters(bob.page)).audioBytesReceived;
        const same = bytes === settled;
        settled = bytes;
        return same;
      }, POLL)
      .toBe(true);
    const mutedAt = await mediaCounters(bob.page);
    await expect
      .poll(async () => (await mediaCounters(bob.page)).videoBytesReceived, POLL)
      .toBeGreaterThan(mutedAt.videoBytesReceived + 50_000);
    expect((await mediaCounters(bob.page)).audioBytesReceived).toBe(mutedAt.audioBytesReceived);
    // Unmuted, her audio flows again.
    await alice.page.getByRole('button', { name: 'Mute microphone' }).click();
    await expect
      .poll(async () => (await mediaCounters(bob.page)).audioBytesReceived, POLL)
      .toBeGreaterThan(mutedAt.audioBytesReceived);

    // Let the duration pass one second on Alice's timer, then hang up.
    await expect
      .poll(() => callScreen(alice).getByTestId('call-timer').textContent(), POLL)
      .not.toBe('0:00');
    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    for (const user of [alice, bob]) {
      await expect.poll(() => callScreen(user).count(), POLL).toBe(0);
      await expect.poll(() => callEntries(user), POLL).toBe(1);
    }
    const aliceEntry = await lastCallEntry(alice);
    const bobEntry = await lastCallEntry(bob);
    expect(aliceEntry).toMatchObject({ outcome: 'answered', direction: 'outgoing' });
    expect(bobEntry).toMatchObject({ outcome: 'answered', direction: 'incoming' });
    expect(aliceEntry.text).toMatch(/^Outgoing video call\d+ s/);
    expect(bobEntry.text).toMatch(/^Incoming video call\d+ s/);
    // Alice's timer passed 0:00 before she hung up; Bob's clock started within the same call.
    expect(aliceEntry.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(bobEntry.durationMs).toBeGreaterThan(0);
    await alice.page.screenshot({ path: `${resultsDir}/call-entry-light.png` });
    await bob.page.screenshot({ path: `${resultsDir}/call-entry-dark.png` });
    expect(await seriousViolations(bob.page)).toEqual([]);
  });

  it('a declined call leaves a declined entry on both sides', async () => {
    await meet();
    const before = await callEntries(alice);
    await ring(alice, bob, 'Voice');
    await incoming(bob).getByRole('button', { name: 'Decline' }).click();
    for (const user of [alice, bob]) {
      await expect.poll(() => callEntries(user), POLL).toBe(before + 1);
      await expect.poll(() => callScreen(user).count(), POLL).toBe(0);
    }
    expect(await lastCallEntry(alice)).toMatchObject({
      outcome: 'declined',
      direction: 'outgoing',
    });
    expect(await lastCallEntry(bob)).toMatchObject({ outcome: 'declined', direction: 'incoming' });
  });

  it('a call given up before an answer is unanswered for the caller and missed for the callee', async () => {
    await meet();
    const before = await callEntries(bob);
    await ring(alice, bob, 'Voice');
    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => incoming(bob).count(), POLL).toBe(0);
    for (const user of [alice, bob])
      await expect.poll(() => callEntries(user), POLL).toBe(before + 1);
    expect(await lastCallEntry(alice)).toMatchObject({
      outcome: 'unanswered',
      direction: 'outgoing',
    });
    expect(await lastCallEntry(bob)).toMatchObject({ outcome: 'missed', direction: 'incoming' });
    expect((await lastCallEntry(bob)).text).toMatch(/Missed voice call/);
  });

  it('rings every device of the callee; the one that answers takes the call, the other stops', async () => {
    await meet();
    // Bob links a laptop (a second browser with its own storage) through the real linking UI.
    const laptop = await linkSecondDevice(stack, bob);
    // The chat arrives in the history archive; the probe needs a reload, after the import.
    await waitForChat(laptop, alice.username);
    await recordPeerConnections(laptop.page);
    await laptop.page.reload();
    // The accepted request reaches the laptop through the account document: a chat that is
    // still a request there would not ring, so wait until it has its composer.
    await waitForChat(laptop, alice.username);
    await openChat(laptop, alice.username);
    await laptop.page.getByLabel(`Message to ${alice.username}`).waitFor(POLL);

    const before = await callEntries(alice);
    await ring(alice, bob, 'Voice');
    await incoming(laptop).waitFor(POLL);
    await incoming(laptop).getByRole('button', { name: 'Accept' }).click();
    await callScreen(laptop).waitFor(POLL);
    await expect.poll(() => incoming(bob).count(), POLL).toBe(0);
    expect(await callScreen(bob).count()).toBe(0);
    await expect.poll(async () => (await mediaCounters(laptop.page)).connections, POLL).toBe(1);
    await expect.poll(async () => (await mediaCounters(bob.page)).connections, POLL).toBe(0);
    // Connected (the timer runs once media flows) before Alice hangs up.
    await callScreen(alice).getByTestId('call-timer').waitFor(POLL);
    await callScreen(laptop).getByTestId('call-timer').waitFor(POLL);

    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callScreen(laptop).count(), POLL).toBe(0);
    await expect.poll(() => callEntries(alice), POLL).toBe(before + 1);
    expect(await lastCallEntry(alice)).toMatchObject({
      outcome: 'answered',
      direction: 'outgoing',
    });
    await laptop.context.close();
    // Linking took Bob's phone to the chat list: back to the chat, where the other tests leave it.
    await openChat(bob, alice.username);
  });
});

describe('a group call in the mesh', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(CALL_CHROMIUM_ARGS);
  });
  afterAll(() => stack.close());

  it('three people each receive the other two', async () => {
    const title = 'Call crew';
    const people = [
      await caller(stack, 'alice'),
      await caller(stack, 'bob'),
      await caller(stack, 'carol'),
    ];
    for (const user of people) await signUp(user);
    const [alice, bob, carol] = people as [User, User, User];
    await alice.page.getByRole('button', { name: 'New group' }).click();
    const dialog = alice.page.getByRole('dialog', { name: 'New group' });
    await dialog.getByLabel('Group name').fill(title);
    await dialog.getByLabel("Members' usernames").fill(`${bob.username}, ${carol.username}`);
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await alice.page.getByRole('region', { name: `Group ${title}` }).waitFor(POLL);
    for (const user of [bob, carol]) {
      await expect.poll(() => chatRow(user.page, title).count(), POLL).toBe(1);
      await chatRow(user.page, title).click();
      await user.page.getByRole('region', { name: `Group ${title}` }).waitFor();
      // A stranger's group is an invitation: it does not ring until joined.
      await joinGroup(user, alice.username, title);
    }
    await expect
      .poll(() => alice.page.getByTestId('member-count').textContent(), POLL)
      .toBe('3 members');

    await alice.page.getByRole('button', { name: `Video call with ${title}` }).click();
    for (const user of [bob, carol]) {
      await incoming(user).waitFor(POLL);
      await incoming(user).getByRole('button', { name: 'Accept' }).click();
    }
    for (const user of people) {
      await expect.poll(async () => (await mediaCounters(user.page)).connections, POLL).toBe(2);
      await expect
        .poll(async () => {
          const frames = await remoteVideoFrames(user.page);
          return frames.length === 2 && frames.every((count) => count > 0);
        }, POLL)
        .toBe(true);
    }
    await carol.page.screenshot({ path: `${resultsDir}/call-group-light.png` });
    // Alice leaves: Bob and Carol keep talking. Bob leaves: Carol is alone, and her call ends.
    await alice.page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(async () => (await mediaCounters(bob.page)).connections, POLL).toBe(1);
    expect(await callScreen(carol).count()).toBe(1);
    await bob.page.getByRole('button', { name: 'Hang up' }).click();
    for (const user of people) await expect.poll(() => callScreen(user).count(), POLL).toBe(0);
    for (const user of people) await expect.poll(() => callEntries(user), POLL).toBe(1);
  });
});

describe('a call while the app is closed', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(CALL_CHROMIUM_ARGS);
  });
  afterAll(() => stack.close());

  it('a push wakes the service worker, which shows the call; opening its notification rings and answers', async () => {
    const alice = await caller(stack, 'alice');
    const bob = await caller(stack, 'bob');
    await bob.context.grantPermissions(['notifications'], { origin: stack.origin });
    await signUp(alice);
    await signUp(bob);
    await startChat(alice, bob.username);
    await send(alice, bob.username, 'Call you in a minute');
    await waitForChat(bob, alice.username);
    await openChat(bob, alice.username);
    await acceptRequest(bob, alice.username);
    await bob.page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await bob.page.close();

    await alice.page.getByRole('button', { name: `Voice call with ${bob.username}` }).click();
    await callScreen(alice).waitFor();
    // Pushes until the worker has met the invitation (pushes queue in the worker: one core at a
    // time); each reads what waits in Bob's mailbox.
    let call: ShownNotification | undefined;
    await expect
      .poll(
        async () => {
          await pushTo(bob.context, stack.origin);
          call = (await shownNotifications(bob, stack.origin)).find((n) =>
            n.tag.startsWith('call-'),
          );
          return call !== undefined;
        },
        { timeout: 60_000, interval: 2_000 },
      )
      .toBe(true);
    expect(call).toMatchObject({ title: alice.username, body: 'Incoming voice call' });
    // Shown means rung: the caller hears it ring.
    await expect.poll(() => callScreen(alice).getByText('Ringing…').count(), POLL).toBe(1);

    // Bob opens the notification: the app rings the call and he answers it.
    const page = await bob.context.newPage();
    await recordPeerConnections(page);
    await page.goto(`${stack.origin}${call!.data!.url!}`);
    const answering = { ...bob, page };
    await incoming(answering).waitFor(POLL);
    await incoming(answering).getByRole('button', { name: 'Accept' }).click();
    for (const user of [alice, answering])
      await expect.poll(async () => (await mediaCounters(user.page)).connections, POLL).toBe(1);
    expect(new URL(page.url()).search).toBe(''); // the call's id left the address
    await page.getByRole('button', { name: 'Hang up' }).click();
    await expect.poll(() => callScreen(alice).count(), POLL).toBe(0);
    for (const user of [alice, bob]) await user.context.close();
  });
});

describe('a call that must go through TURN', () => {
  const secret = `turn-secret-${crypto.randomUUID()}`;
  let turn: TurnServer;
  let stack: Stack;
  beforeAll(async () => {
    turn = await startTurnServer(secret);
    stack = await startStack(CALL_CHROMIUM_ARGS, {
      ice: {
        stunUrls: [],
        turnUrls: [turn.url],
        turnSecret: secret,
        turnTtlSeconds: 600,
        iceTransportPolicy: 'relay',
      },
    });
  });
  afterAll(async () => {
    await stack?.close();
    await turn?.close();
  });

  it('connects with relay candidates only, on credentials coturn accepts', async () => {
    const { alice, bob } = await meetInChat(stack, 'Through the relay, please');
    for (const user of [alice, bob]) {
      await recordPeerConnections(user.page);
      await user.page.reload();
    }
    await openChat(alice, bob.username);
    await openChat(bob, alice.username);
    await ring(alice, bob, 'Voice');
    await incoming(bob).getByRole('button', { name: 'Accept' }).click();
    for (const user of [alice, bob]) {
      await expect
        .poll(async () => {
          const counters = await mediaCounters(user.page);
          return counters.audioBytesReceived > 0 && counters.localCandidateTypes.join();
        }, POLL)
        .toBe('relay');
      expect((await mediaCounters(user.page)).iceServerUrls).toEqual([turn.url]);
    }
    // Connected as core sees it (the timer runs once it noted the connection), not only media
    // bytes counted: a hang-up before that is recorded as a failed call.
    for (const user of [alice, bob]) await callScreen(user).getByTestId('call-timer').waitFor(POLL);
    await bob.page.getByRole('button', { name: 'Hang up' }).click();
    for (const user of [alice, bob])
      await expect.poll(() => lastCallEntry(user), POLL).toMatchObject({ outcome: 'answered' });
  });
});
