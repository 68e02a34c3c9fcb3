import { describe, expect, it } from 'vitest';
import {
  contrast,
  hslToRgb,
  parseUsernames,
  senderColours,
  senderHue,
} from '../../src/groups/usernames.js';

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

describe('sender name colours', () => {
  const white = [255, 255, 255];
  const darkBubble = [0x1f, 0x23, 0x39];
  const rgbOf = (hsl: string) => {
    const [, h, s, l] = /^hsl\((\d+) (\d+)% (\d+)%\)$/.exec(hsl)!.map(Number) as number[];
    return hslToRgb(h!, s! / 100, l! / 100);
  };

  it('computes WCAG contrast as the standard does', () => {
    expect(contrast([0, 0, 0], white)).toBeCloseTo(21, 5);
    expect(contrast(white, white)).toBe(1);
    expect(contrast(hslToRgb(0, 1, 0.5), white)).toBeCloseTo(4.0, 1); // pure red on white
  });

  it('reads at 4.5:1 on the incoming bubble of either theme, whatever the hue', () => {
    const hues = new Set<number>();
    for (let i = 0; hues.size < 360 && i < 100_000; i++) {
      const name = `member${i}`;
      hues.add(senderHue(name));
      const colours = senderColours(name) as Record<string, string>;
      expect(contrast(rgbOf(colours['--sender-light']!), white)).toBeGreaterThanOrEqual(4.5);
      expect(contrast(rgbOf(colours['--sender-dark']!), darkBubble)).toBeGreaterThanOrEqual(4.5);
    }
    expect(hues.size).toBe(360);
  });
});
