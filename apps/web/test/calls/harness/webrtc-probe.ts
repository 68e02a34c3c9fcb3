/**
 * What the call tests read of WebRTC inside a page. The init script keeps every
 * RTCPeerConnection the page creates (simple-peer makes them), so a test can read getStats
 * exactly as the app's quality indicator does, without any test hook in the app itself.
 */
import type { Page } from 'playwright-core';

export async function recordPeerConnections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    const peers: RTCPeerConnection[] = [];
    (window as unknown as { __peers: RTCPeerConnection[] }).__peers = peers;
    window.RTCPeerConnection = class extends Native {
      constructor(configuration?: RTCConfiguration) {
        super(configuration);
        peers.push(this);
      }
    } as typeof RTCPeerConnection;
  });
}

/** Byte and frame counters over the page's open peer connections. */
export interface MediaCounters {
  connections: number;
  audioBytesReceived: number;
  videoBytesReceived: number;
  audioBytesSent: number;
  framesDecoded: number;
  /** candidateType of the local end of each connection's selected pair. */
  localCandidateTypes: string[];
  /** The ICE servers each connection was configured with (urls only). */
  iceServerUrls: string[];
}

export function mediaCounters(page: Page): Promise<MediaCounters> {
  return page.evaluate(async () => {
    const counters = {
      connections: 0,
      audioBytesReceived: 0,
      videoBytesReceived: 0,
      audioBytesSent: 0,
      framesDecoded: 0,
      localCandidateTypes: [] as string[],
      iceServerUrls: [] as string[],
    };
    const peers = (window as unknown as { __peers: RTCPeerConnection[] }).__peers;
    for (const pc of peers) {
      if (pc.connectionState === 'closed') continue;
      counters.connections++;
      for (const server of pc.getConfiguration().iceServers ?? [])
        counters.iceServerUrls.push(...[server.urls].flat());
      const report = await pc.getStats();
      report.forEach((stat: Record<string, unknown>) => {
        if (stat.type === 'inbound-rtp') {
          const bytes = Number(stat.bytesReceived ?? 0);
          if (stat.kind === 'audio') counters.audioBytesReceived += bytes;
          else {
            counters.videoBytesReceived += bytes;
            counters.framesDecoded += Number(stat.framesDecoded ?? 0);
          }
        }
        if (stat.type === 'outbound-rtp' && stat.kind === 'audio')
          counters.audioBytesSent += Number(stat.bytesSent ?? 0);
        if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded') {
          const local = report.get(String(stat.localCandidateId)) as
            { candidateType?: string } | undefined;
          if (local?.candidateType) counters.localCandidateTypes.push(local.candidateType);
        }
      });
    }
    return counters;
  });
}

/** Frames the page's remote <video> elements have shown, per remote device. */
export function remoteVideoFrames(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLVideoElement>('video[data-remote-device]')].map(
      (video) => video.getVideoPlaybackQuality().totalVideoFrames,
    ),
  );
}

export const CALL_CHROMIUM_ARGS = [
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
