import { useState } from 'react';
import { SettingSwitch } from '../settings/SettingSwitch.js';
import { autoDownloadImages, setAutoDownloadImages } from './media-settings.js';

/** Settings card: whether photos download by themselves. */
export function MediaSettings() {
  const [auto, setAuto] = useState(autoDownloadImages);
  return (
    <section className="settings__card" aria-labelledby="media-title">
      <h3 id="media-title">Media</h3>
      <SettingSwitch
        label="Download photos automatically (up to 5 MB); other files download when you tap them"
        checked={auto}
        onChange={(next) => {
          setAutoDownloadImages(next);
          setAuto(next);
        }}
      />
    </section>
  );
}
