import { lazy, Suspense, useId, useState, type FormEvent } from 'react';
import { MAX_PROFILE_NAME_LENGTH } from '@parley/core';
import { USERNAME_MAX_LENGTH } from '@parley/protocol';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { unlinkedNotice } from '../account/leave-device.js';
import { Icon } from '../shell/Icon.js';
import { normalizeUsername, usernameProblem } from './username-rules.js';
import './signup.css';

// The QR code library loads only when someone links a device.
const LinkThisDevice = lazy(() => import('../linking/LinkThisDevice.js'));

/** Registration: the person picks a username; core creates the keys and the account. */
export function SignUpScreen() {
  const messenger = useMessenger();
  const [input, setInput] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [linking, setLinking] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const username = normalizeUsername(input);
    const problem = usernameProblem(username);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    try {
      await messenger.register(username);
      // Success: core's `self` changes and the app moves on to the chats by itself. The name is
      // optional; if saving it fails (offline), the person sets it in Settings later.
      if (name.trim()) await messenger.setProfile({ name }).catch(() => undefined);
    } catch (cause) {
      setError(describeError(cause, 'register'));
      setBusy(false);
    }
  }

  const [notice] = useState(unlinkedNotice);
  if (linking)
    return (
      <Suspense fallback={null}>
        <LinkThisDevice onCancel={() => setLinking(false)} />
      </Suspense>
    );

  return (
    <main className="signup">
      <form
        className="signup__card"
        onSubmit={submit}
        noValidate
        aria-labelledby={`${inputId}-title`}
      >
        <div className="signup__logo" aria-hidden="true">
          <img src="/icons/icon.svg" alt="" width={64} height={64} />
        </div>
        <h1 id={`${inputId}-title`}>Welcome to Parley</h1>
        {notice && (
          <p className="field-error signup__notice" role="alert">
            {notice}
          </p>
        )}
        <p className="signup__lead">
          Private messages, end-to-end encrypted. Pick a username your friends can find you by.
        </p>
        <label htmlFor={inputId} className="field-label">
          Username
        </label>
        <div className={`input-with-prefix ${error ? 'input--invalid' : ''}`}>
          <span aria-hidden="true">@</span>
          <input
            id={inputId}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoCorrect="off"
            spellCheck={false}
            maxLength={USERNAME_MAX_LENGTH + 1}
            value={input}
            onChange={(e) => {
              setInput(e.target.value);
              setError(null);
            }}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${errorId} ${hintId}` : hintId}
            disabled={busy}
            autoFocus
          />
        </div>
        <p id={hintId} className="field-hint">
          3–32 characters: letters, digits, “_” or “.”, starting with a letter.
        </p>
        {error && (
          <p id={errorId} className="field-error" role="alert">
            {error}
          </p>
        )}
        <label htmlFor={`${inputId}-name`} className="field-label">
          Your name (optional)
        </label>
        <input
          id={`${inputId}-name`}
          className="input"
          name="name"
          autoComplete="name"
          maxLength={MAX_PROFILE_NAME_LENGTH}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-describedby={`${hintId}-name`}
          disabled={busy}
        />
        <p id={`${hintId}-name`} className="field-hint">
          Shown to people you chat with, end-to-end encrypted. You can add it later in Settings.
        </p>
        <button type="submit" className="button button--primary button--block" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
        <button type="button" className="button button--block" onClick={() => setLinking(true)}>
          Link to an existing account
        </button>
        <p className="signup__footnote">
          <Icon name="lock" size={14} /> Your keys are created on your devices; the server never
          sees them.
        </p>
      </form>
    </main>
  );
}
