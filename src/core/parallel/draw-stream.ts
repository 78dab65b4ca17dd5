// The uniforms of a threaded run as one stream in a ring buffer. A step takes as many draws as it has
// capsize candidates and active particles; the stream's values do not depend on how they are split into
// steps, so the main thread makes a step's most before the ranges have counted, and each range finds its
// draws from the step's first position (protocol.ts drawOffsets).
import type { LegacyRandom } from "../rng.js";

export class DrawStream {
  /** Draws made since the start of the run. */
  private made = 0;
  /** Position in the stream of the current step's first draw. */
  private first = 0;

  /**
   * `buffer` (registered with the generator, see allocateDraws) holds three steps of draws: while the
   * main thread makes a step's, ranges may still take the step before's; `perStep` is the most a step
   * can take (capsize candidates and active particles).
   */
  constructor(
    private readonly rng: LegacyRandom,
    readonly buffer: Float64Array,
    private readonly perStep: number,
  ) {
    if (buffer.length < 3 * perStep) throw new Error("DrawStream: the buffer must hold three steps of draws");
  }

  /** Index in `buffer` of the current step's first draw. */
  get firstIndex(): number {
    return this.first % this.buffer.length;
  }

  /** Makes the most the current step can take (overwriting only draws two steps old). */
  makeStep(): void {
    const end = this.first + this.perStep;
    const capacity = this.buffer.length;
    while (this.made < end) {
      const at = this.made % capacity;
      const count = Math.min(end - this.made, capacity - at);
      this.rng.fillRandom(this.buffer, count, at);
      this.made += count;
    }
  }

  /** The current step took `count` draws; the next step starts after them. */
  advance(count: number): void {
    if (this.first + count > this.made) throw new Error(`DrawStream: ${count} draws taken, fewer made`);
    this.first += count;
  }
}
