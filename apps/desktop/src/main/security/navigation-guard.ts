import type { WebContents } from 'electron';
import { isAppOrigin } from '../app-protocol.js';

/** Links the user may open outside the app, in the default browser. */
const EXTERNAL_PROTOCOLS = new Set(['https:', 'mailto:']);

export function isAppUrl(url: string): boolean {
  try {
    return isAppOrigin(new URL(url));
  } catch {
    return false;
  }
}

/**
 * Keeps a window on the app (docs/decisions/0802): navigation away from app:// is cancelled,
 * window.open and target=_blank never create a window (https and mailto links go to the
 * default browser instead), <webview> cannot be attached.
 */
export function guardWebContents(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  openExternal: (url: string) => void,
): void {
  const handOff = (url: string) => {
    try {
      if (EXTERNAL_PROTOCOLS.has(new URL(url).protocol)) openExternal(url);
    } catch {
      // Not a URL: nothing to open.
    }
  };
  const stayInApp = (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    handOff(url);
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-frame-navigate', (event) => stayInApp(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    handOff(url);
    return { action: 'deny' };
  });
}
