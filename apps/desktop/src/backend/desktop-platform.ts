/** What the desktop app calls itself in the account's device list: "Desktop app on macOS". */
export function desktopPlatform(platform: NodeJS.Platform = process.platform): string {
  const systems: Partial<Record<NodeJS.Platform, string>> = {
    darwin: 'macOS',
    win32: 'Windows',
    linux: 'Linux',
  };
  return `Desktop app on ${systems[platform] ?? platform}`;
}
