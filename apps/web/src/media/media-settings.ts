/** Images up to this size download by themselves when shown; larger files wait for a tap. */
export const AUTO_DOWNLOAD_MAX_BYTES = 5 * 1024 * 1024;

const KEY = 'parley:auto-download-images';

/** The "download images automatically" setting of this browser (on unless turned off). */
export function autoDownloadImages(): boolean {
  return localStorage.getItem(KEY) !== 'off';
}

export function setAutoDownloadImages(on: boolean): void {
  localStorage.setItem(KEY, on ? 'on' : 'off');
}
