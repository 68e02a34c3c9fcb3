import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { applyRememberedTheme } from './appearance/theme.js';
import { describeError } from './errors/describe-error.js';
import { createAppMessenger } from './messenger/create-app-messenger.js';
import { MessengerProvider } from './messenger/messenger-context.js';
import { registerServiceWorker } from './pwa/register-sw.js';
import './styles/base.css';
import './styles/shell.css';

applyRememberedTheme();
registerServiceWorker();

const root = createRoot(document.getElementById('root')!);

try {
  const messenger = await createAppMessenger();
  root.render(
    <StrictMode>
      <MessengerProvider messenger={messenger}>
        <App />
      </MessengerProvider>
    </StrictMode>,
  );
} catch (error) {
  console.error('Parley could not start', error);
  root.render(
    <main className="startup-error" role="alert">
      <h1>Parley could not start</h1>
      <p>{describeError(error, 'start')}</p>
      <p>
        Reload the page to try again. If this keeps happening, check that this browser allows site
        storage.
      </p>
    </main>,
  );
}
