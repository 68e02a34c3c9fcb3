import { describe, expect, it } from 'vitest';
import { RelayMetrics } from '../src/ops/metrics.js';

/**
 * Per-message counters are plain numbers read at scrape time (decision 0154): each scrape shows
 * the whole count so far, as a Prometheus counter must, however many scrapes came before.
 */
describe('hot counters', () => {
  it('show their running total on every scrape', async () => {
    const metrics = new RelayMetrics(() => 0);
    const scraped = async (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await metrics.registry.metrics())?.[1]);
    expect(await scraped('parley_relay_envelopes_in_total')).toBe(0);
    metrics.envelopesIn.inc(3);
    metrics.envelopesIn.inc();
    metrics.envelopesAcked.inc(2);
    expect(await scraped('parley_relay_envelopes_in_total')).toBe(4);
    expect(await scraped('parley_relay_envelopes_in_total')).toBe(4);
    metrics.envelopesIn.inc();
    expect(await scraped('parley_relay_envelopes_in_total')).toBe(5);
    expect(await scraped('parley_relay_envelopes_acked_total')).toBe(2);
    expect(await scraped('parley_relay_envelopes_out_total')).toBe(0);
  });
});
