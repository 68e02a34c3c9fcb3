import type { WebPreferences } from 'electron';

/**
 * The renderer's sandbox (docs/decisions/0802): no Node in the page or its workers, the preload
 * isolated from the page's world, Chromium's OS sandbox on, no <webview>, no insecure content.
 * test/main/security.test.ts asserts every entry: loosening one fails the build.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    sandbox: true,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: true,
  };
}
