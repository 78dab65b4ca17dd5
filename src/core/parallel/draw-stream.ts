// The uniforms of a threaded run as one stream, made ahead of the step that takes them. A step takes as
// many draws as it has capsize candidates and active particles, known only once every range has done its
// begin-half; but the stream's values do not depend on how they are split into steps, so the main thread
// makes the next step's worth while the threads are still in their begin-halves, and after the barrier only
// hands out offsets.
import type { LegacyRandom } from "../rng.js";

export class DrawStream {
  /** Index in `buffer` of the current step's first draw. */
  private start = 0;
  /** Values made from `start` on. */
  private made = 0;

  /**
   * `buffer` (registered with the generator, see allocateDraws) holds at least three steps of draws;
   * `perStep` is the most a step can take (capsize candidates and active particles).
   */
  constructor(
    private readonly rng: LegacyRandom,
    readonly buffer: Float64Array,
    private readonly perStep: number,
  ) {
    if (buffer.length < 3 * perStep) throw new Error("DrawStream: the buffer must hold three steps of draws");
  }

  /** Index in `buffer` of the current step's first draw. */
  get first(): number {
    return this.start;
  }

  /**
   * Makes the most a step can take available from `first` on. Writes only beyond the values made so far, so
   * threads may still be reading the last step's draws.
   */
  makeAhead(): void {
    const missing = this.perStep - this.made;
    if (missing <= 0) return;
    this.rng.fillRandom(this.buffer, missing, this.start + this.made);
    this.made += missing;
  }

  /**
   * Moves the values made but not taken to the front when the buffer's end is near. Only while no thread
   * reads the buffer (after the begin-barrier, before offsets are handed out).
   */
  compact(): void {
    if (this.start + 2 * this.perStep <= this.buffer.length) return;
    this.buffer.copyWithin(0, this.start, this.start + this.made);
    this.start = 0;
  }

  /** The current step took `count` draws from `first` on. */
  take(count: number): void {
    if (count > this.made) throw new Error(`DrawStream: ${count} draws taken, ${this.made} made`);
    this.start += count;
    this.made -= count;
  }
}
