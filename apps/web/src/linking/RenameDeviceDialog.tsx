import { useId, useState } from 'react';
import { MAX_DEVICE_NAME_LENGTH } from '@parley/core';
import { useMessenger } from '../messenger/messenger-context.js';
import type { DeviceView } from '../messenger/types.js';
import { FormDialog } from '../shell/FormDialog.js';
import { TextField } from '../shell/TextField.js';
import { useSubmission } from '../shell/use-submission.js';
import { deviceLabel } from './last-active.js';

/** Renames one of the account's devices; only the account's devices can read the name. */
export default function RenameDeviceDialog(props: { device: DeviceView; onClose: () => void }) {
  const messenger = useMessenger();
  const id = useId();
  const [name, setName] = useState(props.device.name ?? '');
  const { busy, error, run } = useSubmission('rename-device');
  const ready = name.trim().length > 0 && name.trim() !== props.device.name;
  return (
    <FormDialog
      id={id}
      title={`Rename ${deviceLabel(props.device)}`}
      error={error}
      submitLabel="Save"
      busyLabel="Saving…"
      busy={busy}
      ready={ready}
      onSubmit={() =>
        void run(async () => {
          await messenger.renameDevice(props.device.deviceId, name);
          props.onClose();
        })
      }
      onClose={props.onClose}
    >
      <TextField
        id={`${id}-name`}
        label="Device name"
        value={name}
        onChange={setName}
        maxLength={MAX_DEVICE_NAME_LENGTH}
        autoFocus
      />
      <p className="settings__muted">
        Only your own devices can read this name; the Parley server stores it encrypted.
      </p>
    </FormDialog>
  );
}
