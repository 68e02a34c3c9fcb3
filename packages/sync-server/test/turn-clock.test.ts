import { describe, expect, it } from 'vitest';
import { TurnClock } from '../src/ws/turn-clock.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** The relay-wide turn counter the sockets' per-turn frame caps read (decision 0155). */
describe('TurnClock', () => {
  it('gives one number per turn however often it is read, and another after it', async () => {
    const clock = new TurnClock();
    const first = clock.turn;
    for (let i = 0; i < 1000; i++) expect(clock.turn).toBe(first);
    await nextTurn();
    // One advance for the thousand reads: they shared one setImmediate.
    expect(clock.turn).toBe(first + 1);
  });

  it('does not advance in turns nobody read it', async () => {
    const clock = new TurnClock();
    const first = clock.turn;
    for (let i = 0; i < 5; i++) await nextTurn();
    expect(clock.turn).toBe(first + 1);
    await nextTurn();
    expect(clock.turn).toBe(first + 2);
  });
});
