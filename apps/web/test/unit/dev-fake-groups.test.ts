import { describe, expect, it } from 'vitest';
import { createDevFakeMessenger } from '../../src/dev-fake/dev-fake-messenger.js';

describe('the development fake simulates groups', () => {
  it('creates, renames, adds, promotes, removes and leaves, with system lines', async () => {
    const fake = createDevFakeMessenger(new URLSearchParams());
    await fake.register('mira');
    const id = await fake.createGroup('Climbing', ['bob', 'carol']);
    expect(fake.conversations().getSnapshot()[0]).toMatchObject({
      id,
      kind: 'group',
      title: 'Climbing',
      memberCount: 3,
    });
    await fake.renameGroup(id, 'Bouldering');
    await fake.addGroupMembers(id, ['dave']);
    await fake.setGroupRole(id, 'bob', 'admin');
    await fake.removeGroupMember(id, 'carol');
    expect(fake.groupInfo(id)).toMatchObject({ title: 'Bouldering', isAdmin: true });
    expect(fake.groupInfo(id)?.members.map((m) => [m.username, m.role])).toEqual([
      ['mira', 'admin'],
      ['bob', 'admin'],
      ['dave', 'member'],
    ]);
    const sent = await fake.sendText(id, 'hello');
    expect(fake.messageInfo(id, sent).unread).toEqual(['bob', 'dave']);
    await fake.leaveGroup(id);
    expect(fake.groupInfo(id)).toMatchObject({ isMember: false, former: 'left' });
    await expect(fake.addGroupMembers(id, ['erin'])).rejects.toThrow();
    expect(
      fake
        .messages(id)
        .getSnapshot()
        .filter((m) => m.kind === 'system')
        .map((m) => m.body),
    ).toEqual([
      'You created the group "Climbing"',
      'You renamed the group to "Bouldering"',
      'You added dave',
      'You made bob an admin',
      'You removed carol',
      'You left',
    ]);
  });

  it('seeds a large group for the benchmark', () => {
    const fake = createDevFakeMessenger(
      new URLSearchParams('seed-group-members=1024&seed-group-messages=300'),
    );
    const [group] = fake.conversations().getSnapshot();
    expect(group).toMatchObject({ kind: 'group', memberCount: 1024 });
    expect(
      fake
        .messages(group!.id)
        .getSnapshot()
        .filter((m) => m.kind === 'text'),
    ).toHaveLength(300);
  });
});
