// CCSDS packing (template 5.42): section 7 is a CCSDS 121.0-B lossless (adaptive Rice) stream of the integers X,
// as libaec writes it. ECMWF open data and DWD ICON use it. Section 5 gives the libaec flags, the block size J
// and the reference sample interval (blocks per RSI).
//
// Stream: blocks of J samples, each starting with an option id (id_len bits):
//   0            low entropy: 1 more bit — 0 zero block(s) (run length as a fundamental sequence), 1 second extension
//   1 … max−1    split sample with k = id − 1: J fundamental sequences (high parts), then J k-bit low parts
//   max          uncompressed: J samples of n bits
// With preprocessing, the first block of each RSI carries a raw reference sample and the others are mapped
// prediction residuals (unit-delay predictor), undone per RSI below.
import { readBits, unpackBits } from "./bits.js";
import type { SectionSpan } from "./sections.js";
import type { Grib2Representation } from "./templates.js";
import { constantValues, scaleInPlace } from "./unpack-simple.js";

// libaec flags (section 5 octet 22)
const DATA_SIGNED = 1;
const DATA_PREPROCESS = 8;
const RESTRICTED = 16;
const PAD_RSI = 32;

const ROS = 5; // zero-block count meaning "to the end of the segment or RSI"

/** Template 5.42: numberOfValues values, scaled. */
export function unpackCcsds(
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
): Float64Array {
  const total = rep.numberOfValues;
  const n = rep.bitsPerValue;
  if (n === 0) return constantValues(total, rep);
  const flags = rep.ccsdsFlags;
  const J = rep.ccsdsBlockSize;
  const rsi = rep.ccsdsRsi;
  if (n > 32) fail(`CCSDS bitsPerValue ${n} (at most 32)`);
  if (J === 0 || J > 64 || rsi === 0)
    fail(`CCSDS block size ${J} / reference sample interval ${rsi} is invalid`);
  const restricted = (flags & RESTRICTED) !== 0 && n <= 4;
  const idLen = n > 16 ? 5 : n > 8 ? 4 : restricted ? (n <= 2 ? 1 : 2) : 3;
  const uncompressedId = (1 << idLen) - 1;
  const pp = (flags & DATA_PREPROCESS) !== 0;

  const x = new Float64Array(total);
  const start = (s7.offset + 5) * 8;
  const endBit = (s7.offset + s7.length) * 8;
  let pos = start;
  const need = (bits: number) => {
    if (pos + bits > endBit) fail(`truncated CCSDS stream (sample ${k} of ${total})`);
  };
  const get = (bits: number): number => {
    need(bits);
    const v = readBits(b, pos, bits);
    pos += bits;
    return v;
  };
  // Fundamental sequence: the number of 0 bits before the next 1 bit.
  const fs = (): number => {
    let p = pos >>> 3;
    const off = pos & 7;
    let byte = (b[p] << off) & 0xff;
    let count = 0;
    let at = off;
    while (byte === 0) {
      count += 8 - at;
      p++;
      at = 0;
      if (p * 8 >= endBit) fail(`truncated CCSDS stream (sample ${k} of ${total})`);
      byte = b[p];
    }
    const lead = Math.clz32(byte) - 24;
    pos = p * 8 + at + lead + 1;
    return count + lead;
  };

  const rsiSamples = rsi * J;
  const low = new Float64Array(J);
  let k = 0; // samples written
  let rsiStart = 0;
  while (k < total) {
    const ref = pp && k === rsiStart ? 1 : 0;
    const id = get(idLen);
    if (id === 0) {
      const secondExtension = get(1) === 1;
      if (ref) x[k++] = get(n);
      if (secondExtension) {
        for (let i = ref; i < J; ) {
          const m = fs();
          if (m > 90) fail(`CCSDS second-extension code ${m} out of range`);
          // m = beta(beta+1)/2 + d1 codes the pair (beta − d1, d1)
          const beta = Math.floor((Math.sqrt(8 * m + 1) - 1) / 2);
          const d1 = m - (beta * (beta + 1)) / 2;
          if ((i & 1) === 0) {
            if (k < total) x[k] = beta - d1;
            k++;
            i++;
          }
          if (k < total) x[k] = d1;
          k++;
          i++;
        }
      } else {
        let blocks = fs() + 1;
        if (blocks === ROS) {
          const done = Math.floor((k - rsiStart) / J);
          blocks = Math.min(rsi - done, 64 - (done % 64));
        } else if (blocks > ROS) blocks--;
        const zeros = blocks * J - ref;
        if (k - rsiStart + zeros > rsiSamples) fail("CCSDS zero run goes past the reference sample interval");
        x.fill(0, k, Math.min(total, k + zeros));
        k += zeros;
      }
    } else if (id === uncompressedId) {
      for (let i = 0; i < J; i++) {
        const v = get(n);
        if (k < total) x[k] = v;
        k++;
      }
    } else {
      const bitsLow = id - 1;
      if (ref) x[k++] = get(n);
      const count = J - ref;
      const first = k;
      for (let i = 0; i < count; i++) {
        const v = fs() * 2 ** bitsLow;
        if (k < total) x[k] = v;
        k++;
      }
      if (bitsLow > 0) {
        need(count * bitsLow);
        pos = unpackBits(b, pos, count, bitsLow, low, 0);
        const m = Math.min(count, total - first);
        for (let i = 0; i < m; i++) x[first + i] += low[i];
      }
    }
    if (k - rsiStart >= rsiSamples || k >= total) {
      const end = Math.min(k, total);
      if (pp) undoPrediction(x, rsiStart, end, n, (flags & DATA_SIGNED) !== 0);
      else if (flags & DATA_SIGNED) signExtend(x, rsiStart, end, n);
      rsiStart = k;
      if (flags & PAD_RSI) pos = Math.ceil((pos - start) / 8) * 8 + start;
    }
  }
  scaleInPlace(x, rep);
  return x;
}

function signExtend(x: Float64Array, from: number, to: number, n: number): void {
  const half = 2 ** (n - 1);
  for (let i = from; i < to; i++) if (x[i] >= half) x[i] -= 2 * half;
}

/** Inverse of the CCSDS preprocessor (unit-delay prediction and residual mapping) over one RSI. */
function undoPrediction(x: Float64Array, from: number, to: number, n: number, signed: boolean): void {
  if (from >= to) return;
  const xmax = signed ? 2 ** (n - 1) - 1 : 2 ** n - 1;
  const xmin = signed ? -(2 ** (n - 1)) : 0;
  let data = x[from];
  if (signed && data > xmax) data -= 2 ** n;
  x[from] = data;
  for (let i = from + 1; i < to; i++) {
    const d = x[i];
    const half = Math.ceil(d / 2);
    // theta: distance from the prediction to the nearer end of the range
    const theta = Math.min(data - xmin, xmax - data);
    if (half <= theta) data += d % 2 === 0 ? d / 2 : -(d + 1) / 2;
    else if (data - xmin <= xmax - data) data = xmin + d;
    else data = xmax - d;
    x[i] = data;
  }
}
