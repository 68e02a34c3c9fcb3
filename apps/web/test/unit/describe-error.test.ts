import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/errors/describe-error.js';

const coded = (code: string) => Object.assign(new Error('relay said no'), { code });

describe('describeError', () => {
  it('says a taken username is taken', () => {
    expect(describeError(coded('INVALID_USERNAME'), 'register')).toMatch(/not allowed/);
    expect(describeError(coded('USERNAME_TAKEN'), 'register')).toMatch(/already taken/);
  });

  it('says an unknown username does not exist when opening a chat', () => {
    expect(describeError(coded('UNKNOWN_USER'), 'open-chat')).toMatch(/No one uses that username/);
  });

  it('says the server is unreachable on a network failure', () => {
    expect(describeError(new TypeError('Failed to fetch'), 'register')).toMatch(
      /Can't reach the Parley server/,
    );
  });

  it('gives a sentence, not a stack, for anything else', () => {
    const text = describeError(new Error('boom'), 'send');
    expect(text).toBe("The message couldn't be sent (boom). Please try again.");
    expect(describeError('weird', 'register')).toBe(
      "Your account couldn't be created. Please try again.",
    );
  });
});
