import type { CSSProperties } from 'react';

/** Usernames typed into one field, separated by commas, spaces or new lines, "@" optional. */
export function parseUsernames(input: string): string[] {
  return [
    ...new Set(
      input
        .split(/[\s,;]+/)
        .map((name) => name.replace(/^@/, '').trim())
        .filter((name) => name.length > 0),
    ),
  ];
}

/** A stable colour per sender (hue from the name), so bubbles of one person look alike. */
export function senderHue(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/** The incoming bubble's background in each theme (styles/base.css, --bubble-in). */
const BUBBLE_IN = { light: [255, 255, 255], dark: [0x1f, 0x23, 0x39] } as const;
const MIN_CONTRAST = 4.6;
const colours = new Map<string, Record<'--sender-light' | '--sender-dark', string>>();

/**
 * A sender's name colour for both themes, as the custom properties conversation.css reads: their
 * hue, at the lightness nearest the middle that still reads at 4.5:1 on an incoming bubble (a
 * fixed lightness fails for yellows on white and for blues on the dark bubble).
 */
export function senderColours(username: string): CSSProperties {
  let found = colours.get(username);
  if (!found) {
    const hue = senderHue(username);
    const lightness = (theme: keyof typeof BUBBLE_IN, step: number) => {
      let l = 50;
      while (contrast(hslToRgb(hue, 0.65, l / 100), BUBBLE_IN[theme]) < MIN_CONTRAST) l += step;
      return `hsl(${hue} 65% ${l}%)`;
    };
    found = { '--sender-light': lightness('light', -2), '--sender-dark': lightness('dark', 2) };
    colours.set(username, found);
  }
  // React types no custom properties; conversation.css reads these two.
  return found as CSSProperties;
}

export function hslToRgb(h: number, s: number, l: number): number[] {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number) => {
    const k = (n + h / 30) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

/** WCAG 2.1 contrast ratio of two sRGB colours. */
export function contrast(a: readonly number[], b: readonly number[]): number {
  const luminance = (rgb: readonly number[]) => {
    const [r, g, b] = rgb.map((c) => {
      const v = c / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (high + 0.05) / (low + 0.05);
}
