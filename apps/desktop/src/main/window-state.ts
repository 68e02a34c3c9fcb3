import { readFile, writeFile } from 'node:fs/promises';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: WindowBounds;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = {
  bounds: { x: 0, y: 0, width: 1100, height: 760 },
  maximized: false,
};

const MIN_SIZE = 400;

/**
 * The saved window state if it is well-formed and still on one of `displays` (a monitor may have
 * been unplugged since), else the default centred by the OS.
 */
export function restoreWindowState(
  saved: unknown,
  displays: readonly WindowBounds[],
): WindowState & { centre: boolean } {
  const state = parseState(saved);
  if (state && displays.some((display) => overlaps(display, state.bounds)))
    return { ...state, centre: false };
  return { ...DEFAULT_WINDOW_STATE, centre: true };
}

function parseState(value: unknown): WindowState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { bounds, maximized } = value as Record<string, unknown>;
  if (typeof maximized !== 'boolean' || typeof bounds !== 'object' || bounds === null)
    return undefined;
  const { x, y, width, height } = bounds as Record<string, unknown>;
  const numbers = [x, y, width, height];
  if (!numbers.every((n) => Number.isSafeInteger(n))) return undefined;
  if ((width as number) < MIN_SIZE || (height as number) < MIN_SIZE) return undefined;
  return { bounds: { x, y, width, height } as WindowBounds, maximized };
}

/** At least 100 px of the window's top strip on the display (it can be grabbed and moved). */
function overlaps(display: WindowBounds, bounds: WindowBounds): boolean {
  const left = Math.max(display.x, bounds.x);
  const right = Math.min(display.x + display.width, bounds.x + bounds.width);
  const top = bounds.y;
  return right - left >= 100 && top >= display.y && top < display.y + display.height;
}

export async function loadWindowState(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export async function saveWindowState(path: string, state: WindowState): Promise<void> {
  await writeFile(path, JSON.stringify(state));
}
