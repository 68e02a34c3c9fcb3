import type { Theme } from '../messenger/types.js';

/**
 * The theme lives in the account's settings (core), which load after the app starts; this
 * browser remembers the last one applied so the first paint already has it (no flash of the
 * system's theme for someone who chose the other).
 */
const KEY = 'parley:theme';

export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // Storage refused (private mode): the theme still applies for this session.
  }
}

/** At start-up, before the first render: the theme applied last time. */
export function applyRememberedTheme(): void {
  let theme: string | null = null;
  try {
    theme = localStorage.getItem(KEY);
  } catch {
    return;
  }
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
}
