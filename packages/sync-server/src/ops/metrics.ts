import { monitorEventLoopDelay } from 'node:perf_hooks';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * A count bumped once per message or more: a plain number, read by its Prometheus counter at
 * scrape time. prom-client's inc() resolves labels on every call, a measurable cost at 10,000
 * msgs/s (decision 0154).
 */
export class HotCount {
  value = 0;

  inc(by = 1): void {
    this.value += by;
  }
}

function hotCounter(registry: Registry, name: string, help: string): HotCount {
  const count = new HotCount();
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(count.value);
    },
  });
  return count;
}

/** The relay's Prometheus metrics (served on /metrics), plus Node's default process metrics. */
export class RelayMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'parley_relay_connections',
    help: 'Open WebSocket connections, by state',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });
  readonly envelopesIn = hotCounter(
    this.registry,
    'parley_relay_envelopes_in_total',
    'Mailbox entries stored (one per destination device)',
  );
  readonly envelopesOut = hotCounter(
    this.registry,
    'parley_relay_envelopes_out_total',
    'Envelopes pushed to devices (redeliveries included)',
  );
  readonly envelopesAcked = hotCounter(
    this.registry,
    'parley_relay_envelopes_acked_total',
    'Envelope ids acknowledged by devices',
  );
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
