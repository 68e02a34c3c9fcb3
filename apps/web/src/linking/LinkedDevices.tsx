import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { DeviceView } from '../messenger/types.js';
import './linking.css';

const LinkDeviceDialog = lazy(() => import('./LinkDeviceDialog.js'));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** Settings: the account's devices, unlinking one, and linking a new one by its QR code. */
export function LinkedDevices() {
  const messenger = useMessenger();
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [linking, setLinking] = useState(false);
  const [busy, setBusy] = useState<number | null>(null);

  const refresh = useCallback(async () => {
    try {
      setDevices(await messenger.listDevices());
      setError(null);
    } catch (cause) {
      setError(describeError(cause, 'devices'));
    }
  }, [messenger]);

  useEffect(() => void refresh(), [refresh]);
  // The relay tells every device when one is linked or unlinked.
  useEffect(
    () => messenger.on((event) => event.type === 'devices-changed' && void refresh()),
    [messenger, refresh],
  );

  async function unlink(device: DeviceView) {
    const name = device.name ?? `device ${device.deviceId}`;
    if (!confirm(`Unlink ${name}? It stops receiving messages at once and its copy is deleted.`))
      return;
    setBusy(device.deviceId);
    try {
      await messenger.unlinkDevice(device.deviceId);
      await refresh();
    } catch (cause) {
      setError(describeError(cause, 'devices'));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="settings__card" aria-labelledby="linked-devices-title">
      <h3 id="linked-devices-title">Linked devices</h3>
      <p className="settings__muted">
        Every device has the whole account. Parley keeps no backup: link a second device so losing
        one does not lose your chats.
      </p>
      {devices && (
        <ul className="device-list" aria-label="Your devices">
          {devices.map((device) => (
            <li key={device.deviceId} className="device-list__item">
              <div>
                <p className="device-list__name">
                  {device.name ?? `Device ${device.deviceId}`}
                  {device.current && <span className="device-list__badge">This device</span>}
                </p>
                <p className="settings__muted">
                  Linked {dateFormat.format(device.linkedAt)} · number {device.deviceId}
                </p>
              </div>
              {!device.current && (
                <button
                  type="button"
                  className="button button--danger"
                  disabled={busy === device.deviceId}
                  aria-label={`Unlink ${device.name ?? `device ${device.deviceId}`}`}
                  onClick={() => void unlink(device)}
                >
                  {busy === device.deviceId ? 'Unlinking…' : 'Unlink'}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button type="button" className="button button--primary" onClick={() => setLinking(true)}>
          Link a new device
        </button>
      </div>
      <Suspense fallback={null}>
        {linking && (
          <LinkDeviceDialog
            onClose={() => {
              setLinking(false);
              void refresh();
            }}
          />
        )}
      </Suspense>
    </section>
  );
}
