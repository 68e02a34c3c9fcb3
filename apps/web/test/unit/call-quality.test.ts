import { describe, expect, it } from 'vitest';
import { qualityOf, sampleOf } from '../../src/calls/network-quality.js';
import { describeMediaError } from '../../src/calls/media-errors.js';

/** A stand-in RTCStatsReport: a Map of stats with forEach, which is all sampleOf reads. */
const report = (stats: Record<string, unknown>[]) =>
  new Map(stats.map((stat, index) => [String(index), stat])) as unknown as RTCStatsReport;

describe('network quality from getStats', () => {
  it('reads the selected pair and sums the inbound streams', () => {
    const sample = sampleOf(
      report([
        { type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.2 },
        { type: 'candidate-pair', nominated: false, state: 'failed', currentRoundTripTime: 9 },
        { type: 'inbound-rtp', packetsReceived: 900, packetsLost: 10 },
        { type: 'inbound-rtp', packetsReceived: 100, packetsLost: -3 },
      ]),
    );
    expect(sample).toEqual({ roundTripTime: 0.2, packetsReceived: 1000, packetsLost: 10 });
  });

  it('grades by round trip and by the loss since the previous sample', () => {
    const before = { packetsReceived: 1000, packetsLost: 0 };
    expect(qualityOf(before, { roundTripTime: 0.05, packetsReceived: 2000, packetsLost: 5 })).toBe(
      'good',
    );
    expect(qualityOf(before, { roundTripTime: 0.3, packetsReceived: 2000, packetsLost: 5 })).toBe(
      'fair',
    );
    expect(qualityOf(before, { roundTripTime: 0.05, packetsReceived: 2000, packetsLost: 50 })).toBe(
      'fair',
    );
    expect(
      qualityOf(before, { roundTripTime: 0.05, packetsReceived: 2000, packetsLost: 200 }),
    ).toBe('poor');
    expect(qualityOf(before, { roundTripTime: 0.6, packetsReceived: 2000, packetsLost: 0 })).toBe(
      'poor',
    );
  });
});

describe('camera and microphone errors in words', () => {
  it('tells a refused permission from a missing or busy device', () => {
    expect(describeMediaError(new DOMException('no', 'NotAllowedError'), true)).toMatch(
      /may not use your camera and microphone.*Allow access/,
    );
    expect(describeMediaError(new DOMException('no', 'NotFoundError'), false)).toBe(
      'No microphone was found. Connect one and try again.',
    );
    expect(describeMediaError(new DOMException('no', 'NotReadableError'), false)).toMatch(
      /in use by another app/,
    );
  });
});
