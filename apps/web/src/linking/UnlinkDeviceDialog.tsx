import { useMessenger } from '../messenger/messenger-context.js';
import type { DeviceView } from '../messenger/types.js';
import { ConfirmDialog } from '../shell/ConfirmDialog.js';
import { deviceLabel } from './last-active.js';

/** Confirms unlinking another device of the account, saying what happens to it. */
export default function UnlinkDeviceDialog(props: {
  device: DeviceView;
  onUnlinked: () => void;
  onClose: () => void;
}) {
  const messenger = useMessenger();
  const name = deviceLabel(props.device);
  return (
    <ConfirmDialog
      title={`Unlink ${name}?`}
      warning={
        <p>
          {name} stops receiving messages at once, and its keys, chats and messages are deleted from
          it. Link it again later to use it with your account.
        </p>
      }
      confirmLabel="Unlink"
      busyLabel="Unlinking…"
      action="devices"
      confirm={async () => {
        await messenger.unlinkDevice(props.device.deviceId);
        props.onUnlinked();
        props.onClose();
      }}
      onClose={props.onClose}
    />
  );
}
