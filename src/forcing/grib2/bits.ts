// Big-endian readers for GRIB2: octet integers (sign-and-magnitude for signed ones) and packed bit fields.

/** Unsigned big-endian integer of `n` octets (n ≤ 6) at byte offset `p`. */
export function uint(b: Uint8Array, p: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) v = v * 256 + b[p + k];
  return v;
}

/** Signed big-endian integer of `n` octets: GRIB2 stores the sign in the top bit (not two's complement). */
export function sint(b: Uint8Array, p: number, n: number): number {
  const top = b[p];
  let v = top & 0x7f;
  for (let k = 1; k < n; k++) v = v * 256 + b[p + k];
  return top & 0x80 ? -v : v;
}

/** True when all `n` octets are 0xff, which GRIB2 uses for "missing". */
export function allOnes(b: Uint8Array, p: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (b[p + k] !== 0xff) return false;
  return true;
}

/** IEEE 754 single precision, big-endian. */
export function float32(b: Uint8Array, p: number): number {
  return new DataView(b.buffer, b.byteOffset + p, 4).getFloat32(0, false);
}

/** One unsigned value of `width` bits (≤ 53) starting at absolute bit offset `bitPos` of `b`. */
export function readBits(b: Uint8Array, bitPos: number, width: number): number {
  let v = 0;
  let p = bitPos >>> 3;
  let skip = bitPos & 7;
  let left = width;
  while (left > 0) {
    const avail = 8 - skip;
    const take = Math.min(avail, left);
    const chunk = (b[p] >>> (avail - take)) & ((1 << take) - 1);
    v = v * (1 << take) + chunk;
    left -= take;
    skip = 0;
    p++;
  }
  return v;
}

/**
 * Unpacks `count` unsigned values of `width` bits each (0..32), consecutive from bit offset `bitPos`,
 * into out[outAt…]. Returns the bit offset after the last value. The caller checks that the bits exist.
 */
export function unpackBits(
  b: Uint8Array,
  bitPos: number,
  count: number,
  width: number,
  out: Float64Array | Int32Array | Uint32Array,
  outAt: number,
): number {
  if (width === 0) {
    out.fill(0, outAt, outAt + count);
    return bitPos;
  }
  let p = bitPos >>> 3;
  const skip = bitPos & 7;
  const end = outAt + count;
  if (width <= 24) {
    // acc holds `accBits` (< width ≤ 24) pending bits; adding a byte keeps it under 32 bits.
    let accBits = 8 - skip;
    let acc = b[p++] & (0xff >>> skip);
    const mask = (1 << width) - 1;
    for (let k = outAt; k < end; k++) {
      while (accBits < width) {
        acc = ((acc << 8) | b[p++]) >>> 0;
        accBits += 8;
      }
      accBits -= width;
      out[k] = (acc >>> accBits) & mask;
      acc &= (1 << accBits) - 1;
    }
  } else {
    // Wider values: float arithmetic, exact up to 2^53.
    let accBits = 8 - skip;
    let acc = b[p++] & (0xff >>> skip);
    for (let k = outAt; k < end; k++) {
      while (accBits < width) {
        acc = acc * 256 + b[p++];
        accBits += 8;
      }
      accBits -= width;
      const div = 2 ** accBits;
      const v = Math.floor(acc / div);
      out[k] = v;
      acc -= v * div;
    }
  }
  return bitPos + count * width;
}
