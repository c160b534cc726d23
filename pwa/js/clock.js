// A session's clock: event times and the end time come from here, never straight from the
// wall clock. It is anchored at a wall time (the session's start, or the latest time already
// used after a reload) and moves on by monotonic elapsed time (performance.now()), so a wall
// clock stepped back never reorders entries or puts the end before the start. A wall clock
// ahead of it (stepped forward, or the device slept and the monotonic clock stood still) is
// followed: readings never go back and never fall behind real time for good.
// No DOM: the recorder uses it, and the unit tests drive it with fake clocks.

export class SessionClock {
  /**
   * @param {number} floorMs the earliest reading: the session start, or after a reload the
   *   latest time the session already used (its last entry, its last reading on screen)
   * @param {object} [o]
   * @param {() => number} [o.wall] wall-clock ms (Date.now)
   * @param {() => number} [o.monotonic] monotonic ms (performance.now)
   */
  constructor(floorMs, { wall = () => Date.now(), monotonic = () => performance.now() } = {}) {
    this.wall = wall;
    this.monotonic = monotonic;
    this.anchorMs = Math.max(floorMs, wall());
    this.anchorMono = monotonic();
  }

  /** Milliseconds since the epoch, never less than any earlier reading. */
  now() {
    const reading = this.anchorMs + (this.monotonic() - this.anchorMono);
    const wall = this.wall();
    if (wall > reading) {
      this.anchorMs = wall;
      this.anchorMono = this.monotonic();
      return wall;
    }
    return reading;
  }
}
