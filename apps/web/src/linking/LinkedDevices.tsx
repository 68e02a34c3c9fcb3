import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { describeError } from '../errors/describe-error.js';
import { useMessenger } from '../messenger/messenger-context.js';
import type { DeviceView } from '../messenger/types.js';
import { deviceLabel, lastActiveText } from './last-active.js';
import './linking.css';

const LinkDeviceDialog = lazy(() => import('./LinkDeviceDialog.js'));
const RenameDeviceDialog = lazy(() => import('./RenameDeviceDialog.js'));
const UnlinkDeviceDialog = lazy(() => import('./UnlinkDeviceDialog.js'));

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

type Open = { kind: 'link' } | { kind: 'rename' | 'unlink'; device: DeviceView } | null;

/** Settings: the account's devices, renaming or unlinking one, and linking a new one by QR code. */
export function LinkedDevices() {
  const messenger = useMessenger();
  const [devices, setDevices] = useState<DeviceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<Open>(null);

  const refresh = useCallback(async () => {
    try {
      setDevices(await messenger.listDevices());
      setError(null);
    } catch (cause) {
      setError(describeError(cause, 'devices'));
    }
  }, [messenger]);

  useEffect(() => void refresh(), [refresh]);
  // The relay tells every device when one is linked, unlinked or renamed.
  useEffect(
    () => messenger.on((event) => event.type === 'devices-changed' && void refresh()),
    [messenger, refresh],
  );
  const close = () => setOpen(null);

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
            <DeviceItem
              key={device.deviceId}
              device={device}
              onRename={() => setOpen({ kind: 'rename', device })}
              onUnlink={() => setOpen({ kind: 'unlink', device })}
            />
          ))}
        </ul>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      <div>
        <button
          type="button"
          className="button button--primary"
          onClick={() => setOpen({ kind: 'link' })}
        >
          Link a new device
        </button>
      </div>
      <Suspense fallback={null}>
        {open?.kind === 'link' && (
          <LinkDeviceDialog
            onClose={() => {
              close();
              void refresh();
            }}
          />
        )}
        {open?.kind === 'rename' && <RenameDeviceDialog device={open.device} onClose={close} />}
        {open?.kind === 'unlink' && (
          <UnlinkDeviceDialog
            device={open.device}
            onUnlinked={() => void refresh()}
            onClose={close}
          />
        )}
      </Suspense>
    </section>
  );
}

function DeviceItem(props: { device: DeviceView; onRename: () => void; onUnlink: () => void }) {
  const { device } = props;
  const label = deviceLabel(device);
  const details = [
    device.platform !== null && device.platform !== device.name ? device.platform : null,
    device.current ? 'Active now' : lastActiveText(device.lastActiveAt, Date.now()),
    `Linked ${dateFormat.format(device.linkedAt)}`,
  ].filter((part) => part !== null);
  return (
    <li className="device-list__item">
      <div>
        <p className="device-list__name">
          {label}
          {device.current && <span className="device-list__badge">This device</span>}
        </p>
        <p className="settings__muted">{details.join(' · ')}</p>
      </div>
      <div className="device-list__actions">
        <button
          type="button"
          className="button"
          aria-label={`Rename ${label}`}
          onClick={props.onRename}
        >
          Rename
        </button>
        {!device.current && (
          <button
            type="button"
            className="button button--danger"
            aria-label={`Unlink ${label}`}
            onClick={props.onUnlink}
          >
            Unlink
          </button>
        )}
      </div>
    </li>
  );
}
