// NumPy's legacy RandomState generator (MT19937 + polar Box–Muller with a cached second value), so that a
// run draws exactly the numbers OpenDrift draws and can be checked particle by particle.

import type { WasmKernels } from "./wasm/kernels.js";

const N = 624;
const M = 397;

export class LegacyRandom {
  private mt: Uint32Array = new Uint32Array(N);
  private index = N;
  /** With WebAssembly kernels: the state lives in their memory, and they fill `kernelDraws`. */
  private kernels: WasmKernels | null = null;
  private kernelDraws: Float64Array | null = null;
  private hasGauss = false;
  private gaussCache = 0;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`random seed must be an integer 0..4294967295, got ${seed}`);
    }
    // init_genrand: NumPy's RandomState(seed) for an integer seed.
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = N;
  }

  /**
   * Moves the state into the kernels' memory, where they fill `draws` (an array in that memory) in
   * fillRandom(); other arrays are filled here as before. The numbers are the same.
   */
  useKernels(kernels: WasmKernels, draws: Float64Array): void {
    const mt = kernels.uint32(N);
    mt.set(this.mt);
    this.mt = mt;
    this.kernels = kernels;
    this.kernelDraws = draws;
  }

  private twist(): void {
    const mt = this.mt;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + M] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    for (; i < N - 1; i++) {
      y = (mt[i] & 0x80000000) | (mt[i + 1] & 0x7fffffff);
      mt[i] = mt[i + M - N] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    }
    y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (-(y & 1) & 0x9908b0df);
    this.index = 0;
  }

  /** Next 32-bit output of MT19937. */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform [0, 1) with 53 bits, as NumPy's random_sample. */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** Standard normal, NumPy legacy_gauss (polar method, second value cached). */
  gauss(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gaussCache;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2.0 * this.random() - 1.0;
      x2 = 2.0 * this.random() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 === 0.0);
    const f = Math.sqrt((-2.0 * Math.log(r2)) / r2);
    this.gaussCache = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** Fills out[offset..offset+count) with uniforms, as np.random.random(count). */
  fillRandom(out: Float64Array, count: number, offset = 0): void {
    if (out === this.kernelDraws && this.kernels !== null) {
      if (!(offset >= 0 && offset + count <= out.length))
        throw new RangeError(`fillRandom: ${count} draws from ${offset} do not fit in ${out.length}`);
      const at = out.byteOffset + 8 * offset;
      this.index = this.kernels.exports.fillUniform(this.mt.byteOffset, this.index, at, count);
      return;
    }
    const mt = this.mt;
    let index = this.index;
    let i = offset;
    const end = offset + count;
    while (i < end) {
      if (index >= N) {
        this.twist();
        index = 0;
      }
      // Whole pairs left in this block of 624 words, without a bounds test per word.
      const pairs = Math.min((N - index) >> 1, end - i);
      for (let p = 0; p < pairs; p++) {
        let a = mt[index];
        a ^= a >>> 11;
        a ^= (a << 7) & 0x9d2c5680;
        a ^= (a << 15) & 0xefc60000;
        a ^= a >>> 18;
        let b = mt[index + 1];
        b ^= b >>> 11;
        b ^= (b << 7) & 0x9d2c5680;
        b ^= (b << 15) & 0xefc60000;
        b ^= b >>> 18;
        index += 2;
        out[i++] = ((a >>> 5) * 67108864.0 + (b >>> 6)) / 9007199254740992.0;
      }
      // One word left in the block (an odd position after single draws): the pair spans a twist.
      if (i < end && index === N - 1) {
        const a = this.tempered(mt[index]);
        this.twist();
        const b = this.tempered(mt[0]);
        index = 1;
        out[i++] = ((a >>> 5) * 67108864.0 + (b >>> 6)) / 9007199254740992.0;
      }
    }
    this.index = index;
  }

  private tempered(word: number): number {
    let y = word;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
