import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The relay's Prometheus metrics (served on /metrics), plus Node's default process metrics. */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'parley_relay_connections',
    help: 'Open WebSocket connections, by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly envelopesIn = new Counter({
    name: 'parley_relay_envelopes_in_total',
    help: 'Mailbox entries stored (one per destination device)',
    registers: [this.registry],
  });
  readonly envelopesOut = new Counter({
    name: 'parley_relay_envelopes_out_total',
    help: 'Envelopes pushed to devices (redeliveries included)',
    registers: [this.registry],
  });
  readonly envelopesAcked = new Counter({
    name: 'parley_relay_envelopes_acked_total',
    help: 'Envelope ids acknowledged by devices',
    registers: [this.registry],
  });
  readonly commitSeconds = new Histogram({
    name: 'parley_relay_commit_duration_seconds',
    help: 'Duration of one group commit (transaction and fsync)',
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly commitJobs = new Histogram({
    name: 'parley_relay_commit_batch_jobs',
    help: 'Writes (sends, acks, registrations, ...) per group commit',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 4096],
    registers: [this.registry],
  });
  readonly frameErrors = new Counter({
    name: 'parley_relay_request_errors_total',
    help: 'Requests answered with an error, by code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'parley_relay_rate_limited_total',
    help: 'Calls refused by a rate limit or quota, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly prekeysExhausted = new Counter({
    name: 'parley_relay_one_time_prekeys_exhausted_total',
    help: 'Bundles handed out without a one-time prekey (alert: a device is being drained)',
    registers: [this.registry],
  });
  readonly pushes = new Counter({
    name: 'parley_relay_web_pushes_total',
    help: 'Web Push wake-ups sent, by outcome (delivered, gone, refused, failed)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly eventLoopDelay = monitorEventLoopDelay({ resolution: 10 });

  constructor(mailboxDepth: () => number) {
    this.eventLoopDelay.enable();
    const delay = this.eventLoopDelay;
    new Gauge({
      name: 'parley_relay_event_loop_delay_max_seconds',
      help: 'Longest event-loop stall since the previous scrape',
      registers: [this.registry],
      collect() {
        this.set(delay.max / 1e9);
        delay.reset();
      },
    });
    new Gauge({
      name: 'parley_relay_mailbox_depth',
      help: 'Entries waiting in all mailboxes',
      registers: [this.registry],
      collect() {
        this.set(mailboxDepth());
      },
    });
    collectDefaultMetrics({ register: this.registry });
  }
}
