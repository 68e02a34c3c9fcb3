import { describe, expect, it } from 'vitest';
import { desktopPlatform } from '../../src/backend/desktop-platform.js';

describe('the desktop app’s platform in the device list', () => {
  it('names the operating system people know', () => {
    expect(desktopPlatform('darwin')).toBe('Desktop app on macOS');
    expect(desktopPlatform('win32')).toBe('Desktop app on Windows');
    expect(desktopPlatform('linux')).toBe('Desktop app on Linux');
    expect(desktopPlatform('freebsd')).toBe('Desktop app on freebsd');
  });
});
