/**
 * Numbers the event loop's turns for every socket with ONE setImmediate per turn in which anyone
 * asked. Sockets count the frames they handle per turn (FRAMES_PER_TURN); each scheduling its own
 * setImmediate to reset its count cost one Immediate per frame at paced load, where every frame
 * arrives in a turn of its own (decision 0155).
 */
export class TurnClock {
  private current = 0;
  private scheduled = false;

  /** This turn's number: the next turn (after this one's check phase) has another. */
  get turn(): number {
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.advance);
    }
    return this.current;
  }

  private readonly advance = (): void => {
    this.scheduled = false;
    this.current++;
  };
}
