import { useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import { useModalDialog } from '../shell/use-modal-dialog.js';
import { HistoryProgress } from './HistoryProgress.js';
import { decodeQr, decodeQrFile, pixelsOf } from './qr-decoder.js';

type Step =
  | { name: 'scan' }
  | { name: 'confirm'; link: string; words: string[] }
  | { name: 'sending'; link: string; words: string[] }
  | { name: 'done' };

/**
 * Links a new device: read its QR code (camera, a picture, or the pasted link), show its words
 * to compare with the new device's screen, then seal the account to it.
 */
export default function LinkDeviceDialog({ onClose }: { onClose: () => void }) {
  const messenger = useMessenger();
  const dialogRef = useModalDialog();
  const [step, setStep] = useState<Step>({ name: 'scan' });
  const [error, setError] = useState<string | null>(null);
  const [pasted, setPasted] = useState('');
  const [camera, setCamera] = useState(false);
  const id = useId();

  async function read(text: string | null) {
    if (!text) return setError('No QR code was found in that picture. Try a sharper one.');
    try {
      const { words } = await messenger.inspectDeviceLink(text);
      setError(null);
      setCamera(false);
      setStep({ name: 'confirm', link: text, words });
    } catch (cause) {
      setError(describeError(cause, 'link'));
    }
  }

  async function fromFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      await read(await decodeQrFile(file));
    } catch {
      setError("That picture couldn't be opened.");
    }
  }

  async function approve(link: string, words: string[]) {
    setStep({ name: 'sending', link, words });
    try {
      await messenger.approveDeviceLink(link);
      setStep({ name: 'done' });
    } catch (cause) {
      setError(describeError(cause, 'link'));
      setStep({ name: 'confirm', link, words });
    }
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog link-dialog"
      aria-labelledby={`${id}-title`}
      onClose={onClose}
    >
      <h2 id={`${id}-title`}>Link a new device</h2>
      {step.name === 'scan' && (
        <div className="link-dialog__scan">
          <p>
            On the new device, choose <strong>Link to an existing account</strong>, then scan the
            code it shows.
          </p>
          {camera ? (
            <CameraScanner onText={(text) => void read(text)} onStop={() => setCamera(false)} />
          ) : (
            <div className="link-dialog__sources">
              <button
                type="button"
                className="button button--primary"
                onClick={() => setCamera(true)}
              >
                Scan with camera
              </button>
              <label className="button">
                Scan from image
                <input
                  type="file"
                  accept="image/*"
                  className="visually-hidden"
                  data-testid="scan-image"
                  onChange={(e) => void fromFile(e)}
                />
              </label>
            </div>
          )}
          <form
            className="link-dialog__paste"
            onSubmit={(e) => {
              e.preventDefault();
              void read(pasted);
            }}
          >
            <label htmlFor={`${id}-paste`} className="field-label">
              Or paste the link
            </label>
            <div className="link-device__copy">
              <input
                id={`${id}-paste`}
                value={pasted}
                placeholder="parley://link?…"
                onChange={(e) => setPasted(e.target.value)}
              />
              <button type="submit" className="button" disabled={!pasted.trim()}>
                Continue
              </button>
            </div>
          </form>
        </div>
      )}
      {(step.name === 'confirm' || step.name === 'sending') && (
        <div className="link-dialog__confirm">
          <p>Check that the new device shows exactly these words:</p>
          <p className="link-device__word-list" data-testid="confirm-words">
            {step.words.map((word, i) => (
              <span key={i}>{word} </span>
            ))}
          </p>
          <p className="settings__muted">
            If they differ, don't continue: someone else's device may be asking for your account.
          </p>
        </div>
      )}
      {step.name === 'done' && (
        <>
          <p role="status">
            Linked. The new device sets itself up and receives your chats; it appears in your list
            of devices.
          </p>
          <HistoryProgress showDone />
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog__actions">
        <button type="button" className="button" onClick={() => dialogRef.current?.close()}>
          {step.name === 'done' ? 'Close' : 'Cancel'}
        </button>
        {(step.name === 'confirm' || step.name === 'sending') && (
          <button
            type="button"
            className="button button--primary"
            disabled={step.name === 'sending'}
            onClick={() => void approve(step.link, step.words)}
          >
            {step.name === 'sending' ? 'Linking…' : 'The words match: link it'}
          </button>
        )}
      </div>
    </dialog>
  );
}

/** The camera's picture, decoded a few times a second until a QR code is read. */
function CameraScanner({ onText, onStop }: { onText: (text: string) => void; onStop: () => void }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  const found = useRef(onText);
  found.current = onText;

  useEffect(() => {
    let stream: MediaStream | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const scan = async () => {
      const video = videoRef.current;
      if (stopped || !video) return;
      if (video.readyState >= 2 && video.videoWidth > 0) {
        const text = await decodeQr(pixelsOf(video, video.videoWidth, video.videoHeight));
        if (text && !stopped) return found.current(text);
      }
      // A frame every 200 ms is plenty for a code held still, and spares the battery.
      timer = setTimeout(() => void scan(), 200);
    };
    navigator.mediaDevices
      ?.getUserMedia({ video: { facingMode: 'environment' } })
      .then((media) => {
        stream = media;
        if (stopped) return media.getTracks().forEach((t) => t.stop());
        videoRef.current!.srcObject = media;
        void videoRef.current!.play().catch(() => {});
        void scan();
      })
      .catch(() => setError('The camera could not be opened. Scan from an image instead.'));
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);

  return (
    <div className="link-dialog__camera">
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : (
        <video ref={videoRef} muted playsInline aria-label="Camera preview" />
      )}
      <button type="button" className="button" onClick={onStop}>
        Stop camera
      </button>
    </div>
  );
}
