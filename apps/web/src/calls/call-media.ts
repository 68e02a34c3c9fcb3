import { BrowserCallMedia } from './browser-call-media.js';

/** The page's one media side of calls: a page holds one camera and takes one call at a time. */
export const callMedia = new BrowserCallMedia();
