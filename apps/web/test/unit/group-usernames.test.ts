import { describe, expect, it } from 'vitest';
import { parseUsernames, senderHue } from '../../src/groups/usernames.js';

describe('group member input', () => {
  it('splits on commas, spaces and new lines, drops "@" and repeats', () => {
    expect(parseUsernames(' @bob, carol\ndave;bob  ')).toEqual(['bob', 'carol', 'dave']);
    expect(parseUsernames(' , ')).toEqual([]);
  });

  it('gives each sender one stable hue', () => {
    expect(senderHue('bob')).toBe(senderHue('bob'));
    expect(senderHue('bob')).not.toBe(senderHue('carol'));
    expect(senderHue('bob')).toBeGreaterThanOrEqual(0);
    expect(senderHue('bob')).toBeLessThan(360);
  });
});
