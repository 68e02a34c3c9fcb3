import { useState } from 'react';
import { autoDownloadImages, setAutoDownloadImages } from './media-settings.js';

/** Settings card: whether photos download by themselves. */
export function MediaSettings() {
  const [auto, setAuto] = useState(autoDownloadImages);
  return (
    <section className="settings__card" aria-labelledby="media-title">
      <h3 id="media-title">Media</h3>
      <label className="settings__toggle">
        <input
          type="checkbox"
          checked={auto}
          onChange={(e) => {
            setAutoDownloadImages(e.target.checked);
            setAuto(e.target.checked);
          }}
        />{' '}
        Download photos automatically (up to 5 MB); other files download when you tap them
      </label>
    </section>
  );
}
