import { useEffect, useState } from 'react';
import { formatCallDuration, type CallView, type CallsApi } from '@parley/core';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
import { dismissCallError, reportCallError, useCallError } from './call-error.js';
import { CallControls } from './CallControls.js';
import { StreamView } from './MediaTile.js';
import { startRingtone } from './ringtone.js';
import { useCall } from './use-call.js';
import { useCallMedia } from './use-call-media.js';
import './calls.css';

/**
 * The page's call surface (its own chunk, CallHost.tsx): an incoming call, the call in progress,
 * and call failures in words.
 */
export function CallScreen() {
  const { calls, call } = useCall();
  const error = useCallError();
  return (
    <>
      {error && (
        <div className="call-error" role="alert">
          <p>{error}</p>
          <button type="button" className="button" onClick={dismissCallError}>
            OK
          </button>
        </div>
      )}
      {calls && call?.phase === 'incoming' && <IncomingCall calls={calls} call={call} />}
      {calls && call && call.phase !== 'incoming' && <ActiveCall calls={calls} call={call} />}
    </>
  );
}

function IncomingCall({ calls, call }: { calls: CallsApi; call: CallView }) {
  useEffect(() => startRingtone(), []);
  const kind = call.media === 'video' ? 'video call' : 'voice call';
  const from = call.group ? `${call.callerUsername} in ${call.title}` : call.callerUsername;
  return (
    <div className="call-incoming" role="alertdialog" aria-label={`Incoming ${kind} from ${from}`}>
      <Avatar name={call.group ? call.title : call.callerUsername} size={72} />
      <h2 className="call-incoming__name">{from}</h2>
      <p className="call-incoming__kind">Incoming {kind}…</p>
      <div className="call-incoming__actions">
        <button
          type="button"
          className="call-button call-button--decline"
          onClick={() => calls.decline(call.id)}
        >
          <Icon name="hang-up" /> Decline
        </button>
        <button
          type="button"
          className="call-button call-button--accept"
          onClick={() => calls.accept(call.id).catch(reportCallError)}
        >
          <Icon name={call.media === 'video' ? 'video' : 'phone'} /> Accept
        </button>
      </div>
    </div>
  );
}

function ActiveCall({ calls, call }: { calls: CallsApi; call: CallView }) {
  const media = useCallMedia();
  const [sinkId, setSinkId] = useState<string>();
  const video = call.media === 'video';
  const remotes = [...media.remotes];
  return (
    <section className="call-active" role="dialog" aria-label={`Call with ${call.title}`}>
      <header className="call-active__header">
        <h2>{call.title}</h2>
        <p className="call-active__status" aria-live="polite">
          <CallStatus call={call} />
          {media.quality && call.phase === 'active' && (
            <span
              className={`call-quality call-quality--${media.quality}`}
              data-testid="network-quality"
            >
              {qualityWords[media.quality]}
            </span>
          )}
        </p>
      </header>
      <div className={`call-stage call-stage--${Math.max(1, remotes.length)}`}>
        {remotes.length === 0 &&
          call.participants.map((participant) => (
            <div className="call-tile call-tile--waiting" key={participant.accountId}>
              <Avatar name={participant.username} size={96} />
              <span className="call-tile__name">{participant.username}</span>
            </div>
          ))}
        {remotes.map(([device, stream]) => {
          const participant = call.participants.find((p) => p.device === device);
          const name = participant?.username ?? 'Participant';
          return (
            <div className="call-tile" key={device}>
              {video ? (
                <StreamView
                  kind="video"
                  stream={stream}
                  className="call-tile__video"
                  aria-label={`Video of ${name}`}
                  data-remote-device={device}
                  {...(sinkId !== undefined ? { sinkId } : {})}
                />
              ) : (
                <>
                  <Avatar name={name} size={96} />
                  <StreamView
                    kind="audio"
                    stream={stream}
                    data-remote-device={device}
                    {...(sinkId !== undefined ? { sinkId } : {})}
                  />
                </>
              )}
              <span className="call-tile__name">{name}</span>
            </div>
          );
        })}
        {video && media.local && (
          <div className={`call-pip ${media.cameraOff ? 'call-pip--off' : ''}`}>
            <StreamView
              kind="video"
              stream={media.local}
              muted
              className="call-pip__video"
              aria-label="Your camera"
              data-local="true"
            />
            {media.cameraOff && <span className="call-pip__off">Camera off</span>}
          </div>
        )}
      </div>
      <CallControls
        call={call}
        media={media}
        onHangUp={() => calls.hangUp(call.id)}
        onSinkChange={setSinkId}
      />
    </section>
  );
}

const qualityWords = { good: 'Good connection', fair: 'Fair connection', poor: 'Poor connection' };

function CallStatus({ call }: { call: CallView }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (call.connectedAt === undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [call.connectedAt]);
  if (call.phase === 'active' && call.connectedAt !== undefined)
    return (
      <span data-testid="call-timer">
        {formatCallDuration(Math.max(0, now - call.connectedAt))}
      </span>
    );
  if (call.phase === 'connecting') return <span>Connecting…</span>;
  return <span>{call.participants.some((p) => p.ringing) ? 'Ringing…' : 'Calling…'}</span>;
}
