import { useEffect, useRef } from 'react';

/** A <video> (or <audio>) bound to a MediaStream; React cannot set srcObject as an attribute. */
export function StreamView({
  stream,
  kind,
  muted = false,
  sinkId,
  ...rest
}: {
  stream: MediaStream;
  kind: 'video' | 'audio';
  muted?: boolean;
  /** Audio output device (HTMLMediaElement.setSinkId), where the browser has it. */
  sinkId?: string;
  className?: string;
  'aria-label'?: string;
  'data-remote-device'?: string;
  'data-local'?: string;
}) {
  const element = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    if (element.current && element.current.srcObject !== stream) element.current.srcObject = stream;
  }, [stream]);
  useEffect(() => {
    const media = element.current as
      (HTMLMediaElement & { setSinkId?(id: string): Promise<void> }) | null;
    if (sinkId !== undefined && media?.setSinkId) void media.setSinkId(sinkId).catch(() => {});
  }, [sinkId]);
  return kind === 'video' ? (
    <video ref={element} autoPlay playsInline muted={muted} {...rest} />
  ) : (
    <audio ref={element} autoPlay muted={muted} {...rest} />
  );
}
