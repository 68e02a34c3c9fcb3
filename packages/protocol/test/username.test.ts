import { describe, expect, it } from 'vitest';
import {
  USERNAME_MAX_LENGTH,
  USERNAME_MIN_LENGTH,
  isValidUsername,
  usernameProblem,
  usernameSkeleton,
} from '../src/index.js';

describe('the username rule', () => {
  it('gives the first problem of a name, and none exactly when the pattern accepts it', () => {
    expect(usernameProblem('')).toEqual({ kind: 'empty' });
    expect(usernameProblem('ab')).toEqual({ kind: 'too-short' });
    expect(usernameProblem('a'.repeat(USERNAME_MAX_LENGTH + 1))).toEqual({ kind: 'too-long' });
    expect(usernameProblem('1bob')).toEqual({ kind: 'first-not-letter' });
    expect(usernameProblem('bob-smith')).toEqual({ kind: 'bad-character', character: '-' });
    const samples = [
      'alice',
      'a.b_c9',
      'a'.repeat(USERNAME_MIN_LENGTH),
      'a'.repeat(32),
      'Bob',
      '_x1',
      'ok',
      'é-é',
    ];
    for (const name of samples) expect(usernameProblem(name) === null).toBe(isValidUsername(name));
  });
});

describe('the username skeleton', () => {
  it('folds separators and look-alikes of a name together', () => {
    for (const lookAlike of ['alice', 'alice.', 'alice_', 'a.lice', 'a1ice', 'aiice', 'al1ce']) {
      expect(usernameSkeleton(lookAlike)).toBe(usernameSkeleton('alice'));
    }
    expect(usernameSkeleton('rnartin')).toBe(usernameSkeleton('martin'));
    expect(usernameSkeleton('vvalter')).toBe(usernameSkeleton('walter'));
    expect(usernameSkeleton('b0b')).toBe(usernameSkeleton('bob'));
    expect(usernameSkeleton('5am')).toBe(usernameSkeleton('sam'));
  });

  it('keeps names that merely share letters apart', () => {
    expect(usernameSkeleton('alice')).not.toBe(usernameSkeleton('alicia'));
    expect(usernameSkeleton('bob')).not.toBe(usernameSkeleton('rob'));
    expect(usernameSkeleton('anna')).not.toBe(usernameSkeleton('ana'));
  });
});
