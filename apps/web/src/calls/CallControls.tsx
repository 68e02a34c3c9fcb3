import type { CallView } from '@parley/core';
import { Icon } from '../shell/Icon.js';
import type { CallMediaState } from './browser-call-media.js';
import { callMedia } from './call-media.js';
import { reportCallError } from './call-error.js';
import { useMediaDevices } from './use-devices.js';

/** Mute, camera, device choice and hang-up of the call in progress. */
export function CallControls({
  call,
  media,
  onHangUp,
  onSinkChange,
}: {
  call: CallView;
  media: CallMediaState;
  onHangUp(): void;
  onSinkChange(sinkId: string): void;
}) {
  const devices = useMediaDevices(true);
  const video = call.media === 'video';
  const current = (kind: 'audio' | 'video') =>
    media.local
      ?.getTracks()
      .find((track) => track.kind === kind)
      ?.getSettings().deviceId ?? '';
  const choose = (kind: 'audio' | 'video', deviceId: string) =>
    void callMedia.switchDevice(kind, deviceId).catch(reportCallError);
  const outputs = devices.filter((d) => d.kind === 'audiooutput');
  const canPickOutput = 'setSinkId' in HTMLMediaElement.prototype && outputs.length > 0;
  return (
    <div className="call-controls" role="toolbar" aria-label="Call controls">
      <button
        type="button"
        className="call-control"
        aria-pressed={media.muted}
        aria-label="Mute microphone"
        onClick={() => callMedia.setMuted(!media.muted)}
      >
        <Icon name={media.muted ? 'mic-off' : 'mic'} />
      </button>
      {video && (
        <button
          type="button"
          className="call-control"
          aria-pressed={media.cameraOff}
          aria-label="Turn camera off"
          onClick={() => callMedia.setCameraOff(!media.cameraOff)}
        >
          <Icon name={media.cameraOff ? 'video-off' : 'video'} />
        </button>
      )}
      <DeviceSelect
        label="Microphone"
        devices={devices.filter((d) => d.kind === 'audioinput')}
        value={current('audio')}
        onChange={(id) => choose('audio', id)}
      />
      {video && (
        <DeviceSelect
          label="Camera"
          devices={devices.filter((d) => d.kind === 'videoinput')}
          value={current('video')}
          onChange={(id) => choose('video', id)}
        />
      )}
      {canPickOutput && (
        <DeviceSelect label="Speaker" devices={outputs} value="" onChange={onSinkChange} />
      )}
      <button
        type="button"
        className="call-control call-control--hang-up"
        aria-label="Hang up"
        onClick={onHangUp}
      >
        <Icon name="hang-up" />
      </button>
    </div>
  );
}

function DeviceSelect({
  label,
  devices,
  value,
  onChange,
}: {
  label: string;
  devices: MediaDeviceInfo[];
  value: string;
  onChange(deviceId: string): void;
}) {
  if (devices.length === 0) return null;
  return (
    <label className="call-device">
      <span className="call-device__label">{label}</span>
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        {value === '' && <option value="">Default</option>}
        {devices.map((device, index) => (
          <option key={device.deviceId} value={device.deviceId}>
            {device.label || `${label} ${index + 1}`}
          </option>
        ))}
      </select>
    </label>
  );
}
