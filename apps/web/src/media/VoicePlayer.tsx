import { useEffect, useRef, useState } from 'react';
import type { AttachmentPointer } from '../messenger/types.js';
import { Icon } from '../shell/Icon.js';
import { formatDuration } from './format-size.js';
import type { AttachmentState } from './use-attachment.js';

const SPEEDS = [1, 1.5, 2] as const;

/** A voice message: play/pause, its waveform as a seek bar, duration, speed 1x/1.5x/2x. */
export function VoicePlayer({
  pointer,
  state,
}: {
  pointer: AttachmentPointer;
  state: AttachmentState;
}) {
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  const [position, setPosition] = useState(0);
  const [speed, setSpeed] = useState<(typeof SPEEDS)[number]>(1);
  const durationMs = pointer.durationMs ?? 0;

  useEffect(() => {
    if (audio.current) audio.current.playbackRate = speed;
  }, [speed]);

  function toggle() {
    const element = audio.current;
    if (!element) return state.download();
    if (element.paused) void element.play();
    else element.pause();
  }

  function seek(ms: number) {
    if (audio.current) audio.current.currentTime = ms / 1000;
    setPosition(ms);
  }

  const waveform = pointer.waveform ?? [];
  const played = durationMs > 0 ? position / durationMs : 0;
  return (
    <div className="voice" data-testid="voice-message" data-playing={playing || undefined}>
      {state.url && (
        <audio
          ref={audio}
          src={state.url}
          preload="auto"
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => setPlaying(false)}
          onTimeUpdate={(e) => setPosition(e.currentTarget.currentTime * 1000)}
        />
      )}
      <button
        type="button"
        className="icon-button voice__play"
        aria-label={playing ? 'Pause voice message' : 'Play voice message'}
        disabled={!state.url && state.transfer?.state === 'active'}
        onClick={toggle}
      >
        <Icon name={playing ? 'pause' : 'play'} />
      </button>
      <div className="voice__track">
        <div className="voice__waveform" aria-hidden="true">
          {waveform.map((level, i) => (
            <i
              key={i}
              style={{ height: `${Math.max(8, (level / 255) * 100)}%` }}
              className={
                i / waveform.length < played ? 'voice__bar voice__bar--played' : 'voice__bar'
              }
            />
          ))}
        </div>
        <input
          type="range"
          className="voice__seek"
          min={0}
          max={durationMs}
          step={100}
          value={Math.min(position, durationMs)}
          aria-label="Seek voice message"
          aria-valuetext={formatDuration(position)}
          onChange={(e) => seek(Number(e.target.value))}
        />
      </div>
      <span className="voice__time" data-testid="voice-duration">
        {formatDuration(playing || position > 0 ? position : durationMs)}
      </span>
      <button
        type="button"
        className="voice__speed"
        aria-label={`Playback speed ${speed}x`}
        onClick={() => setSpeed(SPEEDS[(SPEEDS.indexOf(speed) + 1) % SPEEDS.length]!)}
      >
        {speed}x
      </button>
      {state.error && (
        <p role="alert" className="attachment__error">
          {state.error}
        </p>
      )}
    </div>
  );
}
