/**
 * getUserMedia's failures in words a person can act on (MediaDevices.getUserMedia, "Exceptions").
 */
export function describeMediaError(error: unknown, video: boolean): string {
  const device = video ? 'camera and microphone' : 'microphone';
  const name = error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return `Parley may not use your ${device}. Allow access in the browser's site settings (the icon left of the address), then try again.`;
    case 'NotFoundError':
    case 'OverconstrainedError':
      return `No ${device} was found. Connect one and try again.`;
    case 'NotReadableError':
    case 'AbortError':
      return `Your ${device} is in use by another app or could not be started. Close the other app and try again.`;
    default:
      return error instanceof Error ? error.message : `Could not start the ${device}.`;
  }
}

/** A call could not get its media; the message is meant for people. */
export class MediaAccessError extends Error {
  override name = 'MediaAccessError';
}
