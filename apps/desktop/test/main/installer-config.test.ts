/**
 * electron-builder cannot run here (it needs Electron's downloads): this checks its configuration
 * instead — the production fuses, the installer targets, hardened runtime and notarization.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const config = JSON.parse(
  readFileSync(new URL('../../electron-builder.json', import.meta.url), 'utf8'),
) as Record<string, Record<string, unknown>>;

describe('electron-builder configuration', () => {
  it('sets the production fuses: no run-as-node, no inspect, ASAR integrity', () => {
    expect(config.electronFuses).toStrictEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it('builds AppImage and deb, NSIS, and a notarized dmg with the hardened runtime', () => {
    expect(config.linux!.target).toEqual(['AppImage', 'deb']);
    expect(config.win!.target).toEqual(['nsis']);
    expect(config.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true, notarize: true });
  });

  it('registers parley:// and publishes an update feed from the environment', () => {
    expect(config.protocols).toEqual([{ name: 'Parley link', schemes: ['parley'] }]);
    expect(config.publish).toEqual([
      { provider: 'generic', url: '${env.PARLEY_UPDATE_URL}', channel: 'latest' },
    ]);
  });
});
