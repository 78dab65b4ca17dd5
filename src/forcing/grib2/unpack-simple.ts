// Simple packing (template 5.0), the scaling shared by all packings, and bitmap expansion.
import { unpackBits } from "./bits.js";
import type { SectionSpan } from "./sections.js";
import type { Grib2Representation } from "./templates.js";

/** Y = (R + X·2^E) / 10^D applied in place to integers X. */
export function scaleInPlace(x: Float64Array, rep: Grib2Representation): void {
  const r = rep.reference;
  const bscale = 2 ** rep.binaryScale;
  // ecCodes multiplies by 10^-D; dividing by 10^D is the same to the last bit or one ulp.
  const dscale = rep.decimalScale >= 0 ? 1 / 10 ** rep.decimalScale : 10 ** -rep.decimalScale;
  for (let k = 0; k < x.length; k++) x[k] = (r + x[k] * bscale) * dscale;
}

/** A field of `n` equal values: what every packing means when bitsPerValue is 0. */
export function constantValues(n: number, rep: Grib2Representation): Float64Array {
  const x = new Float64Array(n);
  scaleInPlace(x, rep);
  return x;
}

/** Fails (section 7 too short) unless section 7 holds `bitsNeeded` bits after its 5-octet header. */
export function checkBits(s7: SectionSpan, bitsNeeded: number, fail: (what: string) => never): void {
  const have = (s7.length - 5) * 8;
  if (bitsNeeded > have) {
    fail(
      `truncated data: ${Math.ceil(bitsNeeded / 8)} bytes of packed values needed, section 7 has ${have / 8}`,
    );
  }
}

/** Template 5.0: numberOfValues values of bitsPerValue bits from section 7, scaled. */
export function unpackSimple(
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
): Float64Array {
  const n = rep.numberOfValues;
  const w = rep.bitsPerValue;
  if (w === 0) return constantValues(n, rep);
  if (w > 32) fail(`bitsPerValue ${w} is not supported for simple packing (at most 32)`);
  checkBits(s7, n * w, fail);
  const x = new Float64Array(n);
  unpackBits(b, (s7.offset + 5) * 8, n, w, x, 0);
  scaleInPlace(x, rep);
  return x;
}

/**
 * Spreads packed values over the grid: points whose bitmap bit is 0 become NaN.
 * Without a bitmap the packed values are the grid values and must number `points`.
 */
export function expandBitmap(
  b: Uint8Array,
  bitmap: SectionSpan | null,
  packed: Float64Array,
  points: number,
  fail: (what: string) => never,
): Float64Array {
  if (!bitmap) {
    if (packed.length !== points)
      fail(`${packed.length} packed values for a grid of ${points} points and no bitmap`);
    return packed;
  }
  if ((bitmap.length - 6) * 8 < points)
    fail(`bitmap has ${(bitmap.length - 6) * 8} bits for ${points} points`);
  const out = new Float64Array(points);
  const start = bitmap.offset + 6;
  let k = 0;
  for (let i = 0; i < points; i++) {
    if ((b[start + (i >>> 3)] >>> (7 - (i & 7))) & 1) {
      if (k >= packed.length) {
        fail(`bitmap marks more present points than the ${packed.length} packed values`);
      }
      out[i] = packed[k++];
    } else out[i] = Number.NaN;
  }
  if (k !== packed.length) fail(`bitmap marks ${k} present points but ${packed.length} values are packed`);
  return out;
}
