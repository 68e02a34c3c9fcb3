import { useState, useSyncExternalStore } from 'react';
import { Icon } from './Icon.js';
import { installPrompt } from './install-prompt.js';

/** Offers to install Parley when the browser allows it; the person can dismiss it for the session. */
export function InstallPrompt() {
  const available = useSyncExternalStore(installPrompt.subscribe, installPrompt.available);
  const [dismissed, setDismissed] = useState(false);
  if (!available || dismissed) return null;
  return (
    <section className="install-prompt" aria-label="Install Parley">
      <Icon name="download" size={18} />
      <p>Install Parley for quick access and offline start.</p>
      <button
        type="button"
        className="button button--primary button--small"
        onClick={() => void installPrompt.install()}
      >
        Install
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Dismiss install suggestion"
        onClick={() => setDismissed(true)}
      >
        <Icon name="close" size={18} />
      </button>
    </section>
  );
}
