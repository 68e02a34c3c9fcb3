/**
 * The randomized differential run: one seeded schedule of send / burst / deliver (reordered) /
 * drop / late redelivery / duplicate / restart from serialized state / session reset, applied in lockstep to two worlds: the reference (native <-> native) and
 * the world under test (signal-ts on one side). After every step both worlds must report the
 * same outcome: a delivery that succeeds in the reference succeeds under test with the same
 * plaintext, a duplicate is a duplicate, a refusal is the same kind of refusal.
 *
 * The schedule never depends on cryptographic results (only on queue sizes and the reference's
 * state), so a seed replays exactly.
 */
import type { Engine } from '../harness/engines.js';
import { native } from '../harness/engines.js';
import { describeOutcome, outcomeOf, type Outcome } from '../harness/outcome.js';
import { Party, readText, text, type Envelope } from '../harness/party.js';
import { Prng } from './prng.js';

type Role = 'initiator' | 'responder';
type Op = 'send' | 'burst' | 'deliver' | 'drop' | 'late' | 'duplicate' | 'restart' | 'reset';

const WEIGHTS: Readonly<Record<Op, number>> = {
  send: 26,
  burst: 1,
  deliver: 50,
  drop: 6,
  late: 2,
  duplicate: 12,
  restart: 3,
  reset: 1,
};

/** A burst sends this many messages at once: long runs of skipped keys. */
const BURST = { min: 5, max: 25 };

/** Messages that are in the air or already delivered, per direction (sender role). */
interface Wire {
  inFlight: Record<Role, number[]>;
  /** Dropped messages that may still turn up, much later (a relay that redelivers late). */
  late: Record<Role, number[]>;
  delivered: Record<Role, number[]>;
  bodies: Map<number, string>;
  sentAt: Map<number, number>;
}

class World {
  readonly envelopes = new Map<number, Envelope>();
  constructor(readonly parties: Record<Role, Party>) {}

  static async start(initiator: Engine, responder: Engine): Promise<World> {
    const world = new World({
      initiator: Party.create(initiator),
      responder: Party.create(responder),
    });
    const { initiator: a, responder: b } = world.parties;
    await a.initiate(b.id, b.publishBundle());
    return world;
  }

  send(from: Role, id: number, body: string): Promise<Outcome<Envelope>> {
    const sender = this.parties[from];
    const receiver = this.parties[other(from)];
    return outcomeOf(sender.api, async () => {
      const envelope = await sender.encrypt(receiver.id, text(body));
      this.envelopes.set(id, envelope);
      return envelope;
    });
  }

  receive(from: Role, id: number): Promise<Outcome<Uint8Array>> {
    const receiver = this.parties[other(from)];
    const envelope = this.envelopes.get(id);
    if (!envelope) throw new Error(`message ${id} was never sent in this world`);
    return receiver.tryDecrypt(this.parties[from].id, envelope);
  }

  restart(role: Role): void {
    this.parties[role] = this.parties[role].restart();
  }

  /**
   * `role` starts a new session from a fresh bundle of its peer: the old state is archived, and
   * if the peer does the same before hearing of it, that is a simultaneous initiation.
   */
  reset(role: Role): Promise<Outcome<void>> {
    const party = this.parties[role];
    const peer = this.parties[other(role)];
    return outcomeOf(party.api, () => party.initiate(peer.id, peer.publishBundle()));
  }
}

function other(role: Role): Role {
  return role === 'initiator' ? 'responder' : 'initiator';
}

export interface DifferentialStats {
  steps: number;
  sent: number;
  delivered: number;
  duplicates: number;
  dropped: number;
  restarts: number;
  /** New sessions started over an existing one (archiving it), by either side. */
  resets: number;
  /** Deliveries refused in both worlds alike (e.g. keys of a chain too old to keep). */
  agreedRefusals: number;
  /** Most steps a message spent in flight before its delivery. */
  longestWait: number;
}

export interface DifferentialOptions {
  seed: number;
  steps: number;
  initiator: Engine;
  responder: Engine;
}

export async function runDifferential(options: DifferentialOptions): Promise<DifferentialStats> {
  const random = new Prng(options.seed);
  const reference = await World.start(native, native);
  const tested = await World.start(options.initiator, options.responder);
  const wire: Wire = {
    inFlight: { initiator: [], responder: [] },
    late: { initiator: [], responder: [] },
    delivered: { initiator: [], responder: [] },
    bodies: new Map(),
    sentAt: new Map(),
  };
  const stats: DifferentialStats = {
    steps: 0,
    sent: 0,
    delivered: 0,
    duplicates: 0,
    dropped: 0,
    restarts: 0,
    resets: 0,
    agreedRefusals: 0,
    longestWait: 0,
  };
  const log: string[] = [];
  let nextId = 0;

  const fail = (step: number, what: string): never => {
    throw new Error(
      `differential mismatch at step ${step}: ${what}\n` +
        `replay with SEED=${options.seed} (steps=${options.steps}, ` +
        `${options.initiator.name} initiator, ${options.responder.name} responder)\n` +
        `last steps:\n  ${log.slice(-15).join('\n  ')}`,
    );
  };

  /** Delivers message `id` in both worlds and demands the same outcome. */
  const deliverBoth = async (
    step: number,
    from: Role,
    id: number,
  ): Promise<Outcome<Uint8Array>> => {
    const expected = await reference.receive(from, id);
    const actual = await tested.receive(from, id);
    if (describeOutcome(expected) !== describeOutcome(actual)) {
      const why = actual.ok ? '' : ` (${actual.message})`;
      fail(
        step,
        `message ${id} from ${from}: reference ${describeOutcome(expected)}, tested ${describeOutcome(actual)}${why}`,
      );
    }
    if (expected.ok && actual.ok) {
      const body = wire.bodies.get(id)!;
      if (readText(expected.value) !== body || readText(actual.value) !== body) {
        fail(step, `message ${id} decrypted to the wrong plaintext`);
      }
    }
    return expected;
  };

  /** Encrypts the next message in both worlds and demands the same outcome and type. */
  const sendBoth = async (step: number, from: Role): Promise<void> => {
    const id = nextId++;
    const body = `#${id} from ${from} (seed ${options.seed})`;
    wire.bodies.set(id, body);
    wire.sentAt.set(id, step);
    const expected = await reference.send(from, id, body);
    const actual = await tested.send(from, id, body);
    log.push(`${step}: send #${id} from ${from} -> ${describeOutcome(actual)}`);
    if (describeOutcome(expected) !== describeOutcome(actual)) {
      fail(
        step,
        `encrypt: reference ${describeOutcome(expected)}, tested ${describeOutcome(actual)}`,
      );
    }
    if (actual.ok && expected.ok) {
      if (actual.value.type !== expected.value.type) {
        fail(step, `message type ${actual.value.type}, reference sends ${expected.value.type}`);
      }
      wire.inFlight[from].push(id);
      stats.sent++;
    }
  };

  for (let step = 0; step < options.steps; step++) {
    stats.steps++;
    const op = random.weighted(WEIGHTS);
    const direction: Role = random.chance(0.5) ? 'initiator' : 'responder';

    if (op === 'send' || op === 'burst') {
      // Until the responder has read something it has no session to answer on.
      const canAnswer = await reference.parties.responder.hasSessionWith(
        reference.parties.initiator.id,
      );
      const from = canAnswer ? direction : 'initiator';
      const count = op === 'burst' ? BURST.min + random.below(BURST.max - BURST.min) : 1;
      for (let i = 0; i < count; i++) await sendBoth(step, from);
    } else if (op === 'deliver' || op === 'drop' || op === 'late') {
      const queue = op === 'late' ? wire.late[direction] : wire.inFlight[direction];
      if (queue.length === 0) continue;
      // Oldest first, newest first, or any: reordering that also leaves some messages waiting
      // long enough for their chains to be superseded.
      const roll = random.below(10);
      const index = roll < 4 ? 0 : roll < 7 ? queue.length - 1 : random.below(queue.length);
      const [id] = queue.splice(index, 1) as [number];
      if (op === 'drop') {
        if (random.chance(0.5)) wire.late[direction].push(id);
        log.push(`${step}: drop #${id}`);
        stats.dropped++;
        continue;
      }
      const outcome = await deliverBoth(step, direction, id);
      log.push(`${step}: ${op} #${id} (index ${index}) -> ${describeOutcome(outcome)}`);
      wire.delivered[direction].push(id);
      stats.longestWait = Math.max(stats.longestWait, step - wire.sentAt.get(id)!);
      if (outcome.ok) stats.delivered++;
      else stats.agreedRefusals++;
    } else if (op === 'duplicate') {
      const delivered = wire.delivered[direction];
      if (delivered.length === 0) continue;
      const id = delivered[random.below(delivered.length)]!;
      const outcome = await deliverBoth(step, direction, id);
      log.push(`${step}: duplicate #${id} -> ${describeOutcome(outcome)}`);
      stats.duplicates++;
    } else if (op === 'reset') {
      const expected = await reference.reset(direction);
      const actual = await tested.reset(direction);
      log.push(`${step}: reset by ${direction} -> ${describeOutcome(actual)}`);
      if (describeOutcome(expected) !== describeOutcome(actual)) {
        fail(
          step,
          `reset: reference ${describeOutcome(expected)}, tested ${describeOutcome(actual)}`,
        );
      }
      stats.resets++;
    } else {
      reference.restart(direction);
      tested.restart(direction);
      log.push(`${step}: restart ${direction}`);
      stats.restarts++;
    }
  }
  return stats;
}
