import { describe, expect, it } from 'vitest';
import { normalizeUsername, usernameProblem } from '../../src/signup/username-rules.js';

describe('username rules', () => {
  it('normalizes what people type: trims, drops a leading @, lower-cases', () => {
    expect(normalizeUsername('  @Alice.B ')).toBe('alice.b');
  });

  it('accepts names the relay accepts', () => {
    for (const name of ['bob', 'alice_1', 'a.b.c', 'x'.repeat(32)])
      expect(usernameProblem(name)).toBeNull();
  });

  it('explains each kind of invalid name in words', () => {
    expect(usernameProblem('')).toMatch(/choose a username/i);
    expect(usernameProblem('ab')).toMatch(/at least 3/);
    expect(usernameProblem('x'.repeat(33))).toMatch(/at most 32/);
    expect(usernameProblem('1bob')).toMatch(/start with a letter/);
    expect(usernameProblem('bob-smith')).toMatch(/“-” can't be used/);
  });
});
