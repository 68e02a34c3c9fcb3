/** How the call sounds, from getStats: round-trip time and the share of packets lost. */
export type NetworkQuality = 'good' | 'fair' | 'poor';

export interface StatsSample {
  /** Seconds (RTCIceCandidatePairStats.currentRoundTripTime) of the selected pair. */
  roundTripTime?: number;
  packetsReceived: number;
  packetsLost: number;
}

/** Reads the figures the quality needs out of one RTCStatsReport. */
export function sampleOf(report: RTCStatsReport): StatsSample {
  const sample: StatsSample = { packetsReceived: 0, packetsLost: 0 };
  report.forEach((stat: { type: string } & Record<string, unknown>) => {
    if (stat.type === 'candidate-pair' && stat.nominated && stat.state === 'succeeded') {
      if (typeof stat.currentRoundTripTime === 'number')
        sample.roundTripTime = stat.currentRoundTripTime;
    }
    if (stat.type === 'inbound-rtp') {
      sample.packetsReceived += Number(stat.packetsReceived ?? 0);
      sample.packetsLost += Math.max(0, Number(stat.packetsLost ?? 0));
    }
  });
  return sample;
}

/**
 * Thresholds after ITU-T G.114 (mouth-to-ear delay under 150 ms is good, over 400 ms poor) and
 * the loss at which Opus and VP8 concealment start to show (a few per cent).
 */
export function qualityOf(previous: StatsSample | undefined, now: StatsSample): NetworkQuality {
  const received = now.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = now.packetsLost - (previous?.packetsLost ?? 0);
  const loss = received + lost > 0 ? lost / (received + lost) : 0;
  const rtt = now.roundTripTime ?? 0;
  if (rtt < 0.15 && loss < 0.02) return 'good';
  if (rtt < 0.4 && loss < 0.08) return 'fair';
  return 'poor';
}
