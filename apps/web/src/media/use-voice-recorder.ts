import { useEffect, useRef, useState } from 'react';
import type { AttachmentInput } from '../messenger/types.js';

/** Bars of the waveform a voice message carries. */
const WAVEFORM_BARS = 48;
const MIME = 'audio/webm;codecs=opus';

export type RecorderState =
  { kind: 'idle' } | { kind: 'recording'; startedAt: number; elapsedMs: number };

/**
 * Records a voice message from the microphone with MediaRecorder (Opus in WebM); on stop, the
 * recording's duration and waveform are measured by decoding it on this device.
 */
export function useVoiceRecorder() {
  const [state, setState] = useState<RecorderState>({ kind: 'idle' });
  const recorder = useRef<MediaRecorder | null>(null);
  const chunks = useRef<Blob[]>([]);

  useEffect(() => {
    if (state.kind !== 'recording') return;
    const timer = setInterval(
      () =>
        setState((s) =>
          s.kind === 'recording' ? { ...s, elapsedMs: Date.now() - s.startedAt } : s,
        ),
      250,
    );
    return () => clearInterval(timer);
  }, [state.kind]);

  useEffect(() => () => stopTracks(recorder.current), []);

  async function start(): Promise<void> {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const media = new MediaRecorder(
      stream,
      MediaRecorder.isTypeSupported(MIME) ? { mimeType: MIME } : {},
    );
    chunks.current = [];
    media.ondataavailable = (event) => event.data.size > 0 && chunks.current.push(event.data);
    recorder.current = media;
    media.start(250);
    setState({ kind: 'recording', startedAt: Date.now(), elapsedMs: 0 });
  }

  /** Stops and returns the recording ready to send (undefined when cancelled). */
  async function stop(send: boolean): Promise<AttachmentInput | undefined> {
    const media = recorder.current;
    recorder.current = null;
    setState({ kind: 'idle' });
    if (!media) return undefined;
    const stopped = new Promise((resolve) => (media.onstop = resolve));
    media.stop();
    stopTracks(media);
    await stopped;
    if (!send) return undefined;
    const blob = new Blob(chunks.current, { type: media.mimeType || 'audio/webm' });
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const { durationMs, waveform } = await measure(bytes.slice().buffer);
    return {
      bytes,
      contentType: blob.type.split(';')[0] ?? 'audio/webm',
      voice: true,
      durationMs,
      waveform,
    };
  }

  return { state, start, stop };
}

function stopTracks(media: MediaRecorder | null): void {
  media?.stream.getTracks().forEach((track) => track.stop());
}

/** Duration and loudness per bar (0..255), from the decoded recording. */
async function measure(encoded: ArrayBuffer): Promise<{ durationMs: number; waveform: number[] }> {
  const context = new OfflineAudioContext(1, 1, 48_000);
  const audio = await context.decodeAudioData(encoded);
  const samples = audio.getChannelData(0);
  const perBar = Math.max(1, Math.floor(samples.length / WAVEFORM_BARS));
  const levels: number[] = [];
  for (let bar = 0; bar < WAVEFORM_BARS; bar++) {
    let sum = 0;
    for (let i = bar * perBar; i < Math.min(samples.length, (bar + 1) * perBar); i++)
      sum += samples[i]! ** 2;
    levels.push(Math.sqrt(sum / perBar));
  }
  const loudest = Math.max(...levels, 1e-6);
  return {
    durationMs: Math.round(audio.duration * 1000),
    waveform: levels.map((level) => Math.round((level / loudest) * 255)),
  };
}
