// Complex packing (template 5.2) and complex packing with spatial differencing (5.3), as NCEP's GFS writes.
// Section 7 holds, in order: [5.3 only: the first 1–2 undifferenced values and the overall minimum, each in
// `extraOctets` octets, sign-and-magnitude], group references (bitsPerValue bits each), group widths, group
// lengths — each list padded to a whole octet — then the values of every group back to back.
import { readBits, unpackBits } from "./bits.js";
import type { SectionSpan } from "./sections.js";
import type { Grib2Representation } from "./templates.js";
import { checkBits, constantValues, scaleInPlace } from "./unpack-simple.js";

function readSigned(b: Uint8Array, bitPos: number, octets: number): number {
  const bits = octets * 8;
  const sign = readBits(b, bitPos, 1);
  const magnitude = readBits(b, bitPos + 1, bits - 1);
  return sign ? -magnitude : magnitude;
}

const padded = (bits: number) => Math.ceil(bits / 8) * 8;

/**
 * Returns the numberOfValues packed values, scaled; values flagged missing by the missing-value
 * management (code table 5.5) are NaN.
 */
export function unpackComplex(
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
): Float64Array {
  const n = rep.numberOfValues;
  const ng = rep.groups;
  const nbits = rep.bitsPerValue;
  // No groups, or (without differencing or missing codes) all references and widths zero: a constant field.
  const flat = nbits === 0 && rep.widthReference === 0 && rep.widthBits === 0;
  if (ng === 0 || (flat && rep.template === 2 && rep.missingManagement === 0)) return constantValues(n, rep);
  if (nbits > 32 || rep.widthBits > 32 || rep.lengthBits > 32) {
    fail(
      `field widths over 32 bits (values ${nbits}, group widths ${rep.widthBits}, lengths ${rep.lengthBits})`,
    );
  }
  // ecCodes up to 2.28 writes 5.3 with order 0 and no extra descriptors, and reads it as plain 5.2.
  const order = rep.template === 3 ? rep.spatialOrder : 0;
  if (order > 2) fail(`order of spatial differencing ${order} is not supported (1 or 2)`);
  const extra = order > 0 ? rep.extraOctets : 0;
  if (order > 0 && (extra < 1 || extra > 4)) fail(`${extra} octets for extra descriptors (allowed 1…4)`);

  let pos = (s7.offset + 5) * 8;
  const headerBits =
    (order + 1) * extra * 8 + padded(ng * nbits) + padded(ng * rep.widthBits) + padded(ng * rep.lengthBits);
  checkBits(s7, headerBits, fail);

  let first = 0;
  let second = 0;
  let minimum = 0;
  if (order > 0) {
    first = readSigned(b, pos, extra);
    pos += extra * 8;
    if (order === 2) {
      second = readSigned(b, pos, extra);
      pos += extra * 8;
    }
    minimum = readSigned(b, pos, extra);
    pos += extra * 8;
  }
  const refs = new Float64Array(ng);
  pos = padded(unpackBits(b, pos, ng, nbits, refs, 0));
  const widths = new Int32Array(ng);
  pos = padded(unpackBits(b, pos, ng, rep.widthBits, widths, 0));
  const lengths = new Int32Array(ng);
  pos = padded(unpackBits(b, pos, ng, rep.lengthBits, lengths, 0));

  let total = 0;
  let dataBits = 0;
  for (let g = 0; g < ng; g++) {
    widths[g] += rep.widthReference;
    lengths[g] = g === ng - 1 ? rep.lastLength : rep.lengthReference + lengths[g] * rep.lengthIncrement;
    if (widths[g] > 32) fail(`group ${g + 1} has width ${widths[g]} bits (at most 32)`);
    total += lengths[g];
    dataBits += widths[g] * lengths[g];
  }
  if (total !== n) fail(`group lengths add up to ${total} values but section 5 announces ${n}`);
  checkBits(s7, pos - (s7.offset + 5) * 8 + dataBits, fail);

  // Integers X, group by group; missing ones are flagged in `missing` and skipped by the differencing.
  const x = new Float64Array(n);
  const mvm = rep.missingManagement;
  let missing: Uint8Array | null = mvm === 0 ? null : new Uint8Array(n);
  let k = 0;
  for (let g = 0; g < ng; g++) {
    const len = lengths[g];
    const w = widths[g];
    const ref = refs[g];
    if (w === 0) {
      if (missing && ref === 2 ** nbits - 1) missing.fill(1, k, k + len);
      else if (missing && mvm === 2 && ref === 2 ** nbits - 2) missing.fill(2, k, k + len);
      else x.fill(ref, k, k + len);
    } else {
      pos = unpackBits(b, pos, len, w, x, k);
      const end = k + len;
      if (missing) {
        const primary = 2 ** w - 1;
        const secondary = mvm === 2 ? primary - 1 : -1;
        for (let i = k; i < end; i++) {
          if (x[i] === primary) missing[i] = 1;
          else if (x[i] === secondary) missing[i] = 2;
          else x[i] += ref;
        }
      } else {
        for (let i = k; i < end; i++) x[i] += ref;
      }
    }
    k += len;
  }

  if (order > 0) undoSpatialDifferencing(x, missing, order, first, second, minimum);
  scaleInPlace(x, rep);
  if (missing) {
    for (let i = 0; i < n; i++) if (missing[i]) x[i] = Number.NaN;
    missing = null;
  }
  return x;
}

/** Rebuilds values from 1st or 2nd order differences; missing values are not part of the sequence. */
function undoSpatialDifferencing(
  x: Float64Array,
  missing: Uint8Array | null,
  order: number,
  first: number,
  second: number,
  minimum: number,
): void {
  const n = x.length;
  if (!missing) {
    // Every point is in the sequence: the common case, kept branch-free for speed.
    if (n > 0) x[0] = first;
    if (order === 1) {
      for (let i = 1; i < n; i++) x[i] += minimum + x[i - 1];
    } else {
      if (n > 1) x[1] = second;
      for (let i = 2; i < n; i++) x[i] += minimum + 2 * x[i - 1] - x[i - 2];
    }
    return;
  }
  let seen = 0;
  let last = 0;
  let penultimate = 0;
  for (let i = 0; i < n; i++) {
    if (missing[i]) continue;
    let v: number;
    if (seen === 0) v = first;
    else if (seen === 1 && order === 2) v = second;
    else if (order === 1) v = x[i] + minimum + last;
    else v = x[i] + minimum + 2 * last - penultimate;
    x[i] = v;
    penultimate = last;
    last = v;
    seen++;
  }
}
