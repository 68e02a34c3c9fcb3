import { useEffect, useState } from 'react';
import { formatCallDuration, type CallView, type CallsApi } from '@parley/core';
import { Avatar } from '../shell/Avatar.js';
import { Icon } from '../shell/Icon.js';
import { useProfileOf } from '../profile/use-profile-of.js';
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
  // A direct call's title is the chat's: the contact's given or profile name, else the username.
  const from = call.group ? `${call.callerUsername} in ${call.title}` : call.title;
  const caller = useProfileOf(call.group ? undefined : call.participants[0]?.accountId);
  return (
    <div className="call-incoming" role="alertdialog" aria-label={`Incoming ${kind} from ${from}`}>
      <Avatar name={call.title} size={72} src={caller?.avatar} />
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

/** Someone invited who has not joined yet: their profile photo and name, else initials. */
function WaitingTile({ participant }: { participant: CallView['participants'][number] }) {
  const profile = useProfileOf(participant.accountId);
  const name = profile?.name || participant.username;
  return (
    <div className="call-tile call-tile--waiting">
      <Avatar name={name} size={96} src={profile?.avatar} />
      <span className="call-tile__name">{name}</span>
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
            <WaitingTile key={participant.accountId} participant={participant} />
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
