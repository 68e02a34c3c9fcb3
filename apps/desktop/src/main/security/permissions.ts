import type { Session } from 'electron';
import { isAppUrl } from './navigation-guard.js';

/**
 * What the app's own pages may use: notifications, the clipboard's sanitized write, and camera
 * and microphone (voice messages, calls) when a request names them — nothing else, and nothing
 * for any other origin.
 */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  details: { mediaTypes?: string[] } = {},
): boolean {
  if (!isAppUrl(requestingUrl)) return false;
  switch (permission) {
    case 'notifications':
    case 'clipboard-sanitized-write':
      return true;
    case 'media': {
      // A request that names no device type is not a camera or microphone request: refused.
      const types = details.mediaTypes ?? [];
      return types.length > 0 && types.every((type) => type === 'audio' || type === 'video');
    }
    default:
      return false;
  }
}

export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const url = details.requestingUrl;
    callback(isPermissionAllowed(permission, url, details as { mediaTypes?: string[] }));
  });
  // A check (e.g. before listing devices) names one media type; 'unknown' is not a camera or mic.
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    const type = details.mediaType;
    return isPermissionAllowed(permission, requestingOrigin, {
      mediaTypes: type && type !== 'unknown' ? [type] : [],
    });
  });
}
