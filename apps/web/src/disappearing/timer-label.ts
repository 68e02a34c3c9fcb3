import { describeTimer } from '@parley/core';

/** The header's short form of a timer: "30s", "5m", "1h", "1d", "1w". */
export function shortTimer(seconds: number): string {
  const units: ReadonlyArray<readonly [number, string]> = [
    [604_800, 'w'],
    [86_400, 'd'],
    [3600, 'h'],
    [60, 'm'],
  ];
  for (const [size, unit] of units) if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}

/** "Off" or "30 seconds". */
export function timerName(seconds: number): string {
  return seconds === 0 ? 'Off' : describeTimer(seconds);
}
