// A small GRIB2 writer for tests and fixtures: whole messages with simple (5.0), complex (5.2) and
// complex + spatial differencing (5.3) packing of given integers, including missing-value management.
// ecCodes 2.28 cannot write real 5.3 (it always writes order 0), so scripts/make-grib2-fixtures.sh uses this
// to re-pack ecCodes' simple-packed fields, and checks with grib_get_data that ecCodes decodes them back.

export class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private nacc = 0;

  /** Appends `value` (unsigned, < 2^width, width ≤ 32) as `width` bits. */
  put(value: number, width: number): void {
    if (width > 16) {
      this.put(Math.floor(value / 65536), width - 16);
      this.put(value % 65536, 16);
      return;
    }
    // acc holds nacc < 8 pending bits; adding ≤ 16 keeps it under 24 bits.
    this.acc = (this.acc << width) | (value & ((1 << width) - 1));
    this.nacc += width;
    while (this.nacc >= 8) {
      this.nacc -= 8;
      this.bytes.push((this.acc >>> this.nacc) & 0xff);
    }
    this.acc &= (1 << this.nacc) - 1;
  }

  /** Sign-and-magnitude in `width` bits. */
  putSigned(value: number, width: number): void {
    this.put(value < 0 ? 1 : 0, 1);
    this.put(Math.abs(value), width - 1);
  }

  /** Pads with zero bits to a whole octet. */
  align(): void {
    if (this.nacc > 0) this.put(0, 8 - this.nacc);
  }

  finish(): Uint8Array {
    this.align();
    return Uint8Array.from(this.bytes);
  }
}

const bitsFor = (v: number) => (v <= 0 ? 0 : Math.floor(Math.log2(v)) + 1);
// Loops rather than Math.min(...a): arrays of a million values overflow the argument stack.
const min = (a: ArrayLike<number>, from = 0) => {
  let m = Number.POSITIVE_INFINITY;
  for (let i = from; i < a.length; i++) if (a[i] < m) m = a[i];
  return m;
};
const max = (a: ArrayLike<number>) => {
  let m = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
};

function octets(values: Array<[number, number]>): Uint8Array {
  const w = new BitWriter();
  for (const [v, n] of values) {
    if (v < 0) w.putSigned(v, n * 8);
    else w.put(v, n * 8);
  }
  return w.finish();
}

function section(number: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 5);
  new DataView(out.buffer).setUint32(0, out.length);
  out[4] = number;
  out.set(body, 5);
  return out;
}

function float32Bytes(v: number): Array<[number, number]> {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, v);
  return [[dv.getUint32(0), 4]];
}

export interface Scaling {
  reference: number;
  binaryScale: number;
  decimalScale: number;
}

export interface ComplexOptions {
  /** 2 complex, 3 complex with spatial differencing. */
  template: 2 | 3;
  order?: 1 | 2;
  /** Fixed group length; the last group takes the remainder. */
  groupLength?: number;
  /** 0: missing points must not occur here (use a bitmap); 1: primary missing; 2: primary and secondary. */
  missingManagement?: 0 | 1 | 2;
  /** Octets for the 5.3 extra descriptors (first values and minimum). */
  extraOctets?: number;
}

/** Section 5 (template 5.0) and section 7 for integers x ≥ 0 in `bits` bits. */
export function packSimple(
  x: ArrayLike<number>,
  bits: number,
  s: Scaling,
): { s5: Uint8Array; s7: Uint8Array } {
  const s5 = octets([
    [x.length, 4],
    [0, 2],
    ...float32Bytes(s.reference),
    [s.binaryScale, 2],
    [s.decimalScale, 2],
    [bits, 1],
    [0, 1],
  ]);
  const w = new BitWriter();
  for (let i = 0; i < x.length; i++) w.put(x[i], bits);
  return { s5: section(5, s5), s7: section(7, w.finish()) };
}

/**
 * Section 5 (5.2 or 5.3) and section 7 for integers x ≥ 0; `kind[i]` = 1 or 2 marks a primary or secondary
 * missing value (needs missingManagement ≥ that kind).
 */
export function packComplex(
  x: ArrayLike<number>,
  kind: ArrayLike<number> | null,
  s: Scaling,
  opt: ComplexOptions,
): { s5: Uint8Array; s7: Uint8Array } {
  const n = x.length;
  const mvm = opt.missingManagement ?? 0;
  const order = opt.template === 3 ? (opt.order ?? 2) : 0;
  const isMissing = (i: number) => (kind ? kind[i] : 0);
  // Values the differencing runs over: the present ones, in order.
  const present: number[] = [];
  for (let i = 0; i < n; i++) if (!isMissing(i)) present.push(x[i]);
  let diffs = present.slice();
  let first = 0;
  let second = 0;
  let minimum = 0;
  if (order > 0) {
    diffs = present.map((v, k) => {
      if (k < order) return 0;
      return order === 1 ? v - present[k - 1] : v - 2 * present[k - 1] + present[k - 2];
    });
    first = present[0] ?? 0;
    second = present[1] ?? 0;
    minimum = min(diffs, order);
    if (!Number.isFinite(minimum)) minimum = 0;
    diffs = diffs.map((d, k) => (k < order ? 0 : d - minimum));
  }
  // Back to one value per point; missing ones flagged.
  const values: number[] = [];
  for (let i = 0, k = 0; i < n; i++) values.push(isMissing(i) ? -isMissing(i) : diffs[k++]);

  const L = opt.groupLength ?? 10;
  const refs: number[] = []; // group reference as coded (missing code for all-missing constant groups)
  const widths: number[] = [];
  const groups: number[][] = [];
  for (let g = 0; g * L < n; g++) {
    const vals = values.slice(g * L, Math.min(n, (g + 1) * L));
    const ok = vals.filter((v) => v >= 0);
    const lo = ok.length ? min(ok) : 0;
    const hi = ok.length ? max(ok) : 0;
    const hasMissing = ok.length < vals.length;
    const oneKind = vals.every((v) => v === vals[0]);
    let width: number;
    let ref: number;
    if (ok.length === 0 && oneKind) {
      width = 0; // all missing, one kind: the reference itself is the missing code
      ref = vals[0];
    } else if (!hasMissing && hi === lo) {
      width = 0;
      ref = lo;
    } else {
      // With missing-value management the all-ones codes are reserved in every group.
      width = bitsFor(hi - lo + mvm);
      ref = lo;
    }
    refs.push(ref);
    widths.push(width);
    groups.push(vals);
  }
  const ng = groups.length;
  const lastLength = ng > 0 ? groups[ng - 1].length : 0;
  const nbits = bitsFor(Math.max(0, max(refs)) + mvm);
  const refCode = (g: number) => (refs[g] < 0 ? 2 ** nbits + refs[g] : refs[g]); // −1 → 2^n−1, −2 → 2^n−2
  const widthRef = ng > 0 ? min(widths) : 0;
  const widthBits = ng > 0 ? bitsFor(max(widths) - widthRef) : 0;
  const lengthRef = L;
  const lengthBits = 1; // lengths are all L except the last (true length of last group)

  const descriptorBits =
    Math.max(bitsFor(Math.abs(first)), bitsFor(Math.abs(second)), bitsFor(Math.abs(minimum))) + 1;
  const extra = Math.max(opt.extraOctets ?? 1, Math.ceil(descriptorBits / 8));
  const w = new BitWriter();
  if (order > 0) {
    w.putSigned(first, extra * 8);
    if (order === 2) w.putSigned(second, extra * 8);
    w.putSigned(minimum, extra * 8);
  }
  for (let g = 0; g < ng; g++) w.put(refCode(g), nbits);
  w.align();
  for (let g = 0; g < ng; g++) w.put(widths[g] - widthRef, widthBits);
  w.align();
  for (let g = 0; g < ng; g++) w.put(0, lengthBits);
  w.align();
  for (let g = 0; g < ng; g++) {
    if (widths[g] === 0) continue;
    for (const v of groups[g]) w.put(v < 0 ? 2 ** widths[g] + v : v - refs[g], widths[g]);
  }
  const s5fields: Array<[number, number]> = [
    [n, 4],
    [opt.template, 2],
    ...float32Bytes(s.reference),
    [s.binaryScale, 2],
    [s.decimalScale, 2],
    [nbits, 1],
    [0, 1],
    [1, 1], // group splitting method: general
    [mvm, 1],
    ...float32Bytes(9999),
    ...float32Bytes(-9999),
    [ng, 4],
    [widthRef, 1],
    [widthBits, 1],
    [lengthRef, 4],
    [1, 1],
    [lastLength, 4],
    [lengthBits, 1],
  ];
  if (opt.template === 3) s5fields.push([order, 1], [extra, 1]);
  return { s5: section(5, octets(s5fields)), s7: section(7, w.finish()) };
}

/** Section 6: a bitmap (present[i] = true where a value exists) or indicator 255 / 254. */
export function bitmapSection(present: ArrayLike<boolean> | 254 | 255): Uint8Array {
  if (present === 254 || present === 255) return section(6, Uint8Array.of(present));
  const w = new BitWriter();
  w.put(0, 8);
  for (let i = 0; i < present.length; i++) w.put(present[i] ? 1 : 0, 1);
  return section(6, w.finish());
}

/** Sections of an existing message: [discipline, section 1, …, section 7] without sections 0 and 8. */
export function splitMessage(msg: Uint8Array): { discipline: number; sections: Uint8Array[] } {
  const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const sections: Uint8Array[] = [];
  let p = 16;
  while (p < msg.length - 4) {
    const len = dv.getUint32(p);
    sections.push(msg.slice(p, p + len));
    p += len;
  }
  return { discipline: msg[6], sections };
}

/** A whole message from sections 1…7 (in order, possibly repeating 2–7 for several fields). */
export function buildMessage(discipline: number, sections: Uint8Array[]): Uint8Array {
  const length = 16 + sections.reduce((a, s) => a + s.length, 0) + 4;
  const out = new Uint8Array(length);
  out.set([0x47, 0x52, 0x49, 0x42, 0, 0, discipline, 2]);
  new DataView(out.buffer).setBigUint64(8, BigInt(length));
  let p = 16;
  for (const s of sections) {
    out.set(s, p);
    p += s.length;
  }
  out.set([0x37, 0x37, 0x37, 0x37], p);
  return out;
}

export interface GridSpec {
  ni: number;
  nj: number;
  lat1: number;
  lon1: number;
  lat2: number;
  lon2: number;
  di: number;
  dj: number;
  scanMode: number;
}

/** Section 1 with a reference time (Unix seconds). */
export function identificationSection(reference: number): Uint8Array {
  const d = new Date(reference * 1000);
  return section(
    1,
    octets([
      [7, 2],
      [0, 2],
      [2, 1],
      [1, 1],
      [1, 1],
      [d.getUTCFullYear(), 2],
      [d.getUTCMonth() + 1, 1],
      [d.getUTCDate(), 1],
      [d.getUTCHours(), 1],
      [d.getUTCMinutes(), 1],
      [d.getUTCSeconds(), 1],
      [0, 1],
      [1, 1],
    ]),
  );
}

/** Section 3, template 3.0, angles in degrees (coded in micro-degrees). */
export function gridSection(g: GridSpec): Uint8Array {
  const micro = (v: number) => Math.round(v * 1e6);
  const missing = 0xffffffff;
  return section(
    3,
    octets([
      [0, 1],
      [g.ni * g.nj, 4],
      [0, 1],
      [0, 1],
      [0, 2],
      [6, 1],
      [255, 1],
      [missing, 4],
      [255, 1],
      [missing, 4],
      [255, 1],
      [missing, 4],
      [g.ni, 4],
      [g.nj, 4],
      [0, 4],
      [missing, 4],
      [micro(g.lat1), 4],
      [micro(g.lon1), 4],
      [0x30, 1],
      [micro(g.lat2), 4],
      [micro(g.lon2), 4],
      [micro(g.di), 4],
      [micro(g.dj), 4],
      [g.scanMode, 1],
    ]),
  );
}

/** Section 4, template 4.0 (or 4.1 with an ensemble member), forecast hours, level type/value (whole units). */
export function productSection(
  category: number,
  number: number,
  hours: number,
  levelType = 103,
  level = 10,
  member?: number,
): Uint8Array {
  const fields: Array<[number, number]> = [
    [0, 2],
    [member === undefined ? 0 : 1, 2],
    [category, 1],
    [number, 1],
    [2, 1],
    [0, 1],
    [96, 1],
    [0, 2],
    [0, 1],
    [1, 1],
    [hours, 4],
    [levelType, 1],
    [0, 1],
    [level, 4],
    [255, 1],
    [255, 1],
    [0xffffffff, 4],
  ];
  if (member !== undefined) fields.push([member === 0 ? 0 : 3, 1], [member, 1], [51, 1]);
  return section(4, octets(fields));
}
