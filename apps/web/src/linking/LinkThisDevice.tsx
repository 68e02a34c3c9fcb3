import { useEffect, useId, useState } from 'react';
import QRCode from 'qrcode';
import { describeError } from '../errors/describe-error.js';
import { useMessenger, useObservable } from '../messenger/messenger-context.js';
import { Icon } from '../shell/Icon.js';
import './linking.css';

/**
 * On a new device: the QR code (and the same link as text) an existing device of the account
 * scans, with the words both screens show. The account arrives end to end encrypted; core's
 * `self` then changes and the app opens the chats by itself.
 */
export default function LinkThisDevice({ onCancel }: { onCancel: () => void }) {
  const messenger = useMessenger();
  const view = useObservable(messenger.provisioning);
  const [qr, setQr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const id = useId();

  async function start() {
    setError(null);
    setQr(null);
    try {
      const waiting = await messenger.startLinking();
      setQr(
        await QRCode.toDataURL(waiting.link, { margin: 2, width: 264, errorCorrectionLevel: 'M' }),
      );
    } catch (cause) {
      setError(describeError(cause, 'link'));
    }
  }

  useEffect(() => {
    void start();
    // Started once per visit of this screen; "Show a new code" starts again.
  }, []);

  const failed = view.state === 'failed' ? describeError(view, 'link') : error;
  return (
    <main className="signup">
      <section className="signup__card link-device" aria-labelledby={`${id}-title`}>
        <h1 id={`${id}-title`}>Link this device</h1>
        <p className="signup__lead">
          On a device where you use Parley, open{' '}
          <strong>Settings → Linked devices → Link a new device</strong> and scan this code.
        </p>
        {view.state === 'waiting' && qr && (
          <>
            <img
              className="link-device__qr"
              src={qr}
              alt="QR code for linking this device"
              width={264}
              height={264}
              data-testid="link-qr"
            />
            <div className="link-device__words" aria-labelledby={`${id}-words`}>
              <p id={`${id}-words`} className="field-label">
                Check that the other device shows these words:
              </p>
              <p className="link-device__word-list" data-testid="link-words">
                {view.words.map((word, i) => (
                  <span key={i}>{word} </span>
                ))}
              </p>
            </div>
            <details className="link-device__link">
              <summary>Can't scan? Copy the link instead</summary>
              <div className="link-device__copy">
                <input
                  aria-label="Device link"
                  readOnly
                  value={view.link}
                  onFocus={(e) => e.currentTarget.select()}
                  data-testid="link-text"
                />
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    void navigator.clipboard?.writeText(view.link).then(() => setCopied(true))
                  }
                >
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
            </details>
            <p className="field-hint">
              The code works once, for 10 minutes. <Icon name="lock" size={14} /> Your account's
              keys arrive end-to-end encrypted; the server can't read them.
            </p>
          </>
        )}
        {(view.state === 'idle' || (view.state === 'waiting' && !qr)) && !failed && (
          <p role="status">Getting a code…</p>
        )}
        {view.state === 'joining' && <p role="status">Linking… setting up this device.</p>}
        {failed && (
          <p className="field-error" role="alert">
            {failed}
          </p>
        )}
        <div className="dialog__actions">
          <button type="button" className="button" onClick={onCancel}>
            Back
          </button>
          {(failed || view.state === 'waiting') && (
            <button type="button" className="button" onClick={() => void start()}>
              Show a new code
            </button>
          )}
        </div>
      </section>
    </main>
  );
}
