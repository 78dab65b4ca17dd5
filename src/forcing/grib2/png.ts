// PNG packing (template 5.41): section 7 is a PNG image whose pixels, read as big-endian integers of
// bitDepth × channels bits (grey 1–16 bits, RGB 24 bits, RGBA 32 bits), are the integers X.
import { inflateSync } from "node:zlib";
import { uint, unpackBits } from "./bits.js";
import type { SectionSpan } from "./sections.js";
import type { Grib2Representation } from "./templates.js";
import { constantValues, scaleInPlace } from "./unpack-simple.js";

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/** Template 5.41: numberOfValues values, scaled. */
export function unpackPng(
  b: Uint8Array,
  s7: SectionSpan,
  rep: Grib2Representation,
  fail: (what: string) => never,
): Float64Array {
  const n = rep.numberOfValues;
  if (rep.bitsPerValue === 0 || s7.length <= 5) return constantValues(n, rep);
  const png = b.subarray(s7.offset + 5, s7.offset + s7.length);
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 8 || signature.some((v, k) => png[k] !== v))
    fail("section 7 does not start with a PNG signature");

  let width = 0;
  let height = 0;
  let depth = 0;
  let channels = 0;
  const idat: Uint8Array[] = [];
  for (let p = 8; p + 8 <= png.length; ) {
    const len = uint(png, p, 4);
    const type = String.fromCharCode(png[p + 4], png[p + 5], png[p + 6], png[p + 7]);
    if (p + 12 + len > png.length) fail(`PNG chunk ${type} runs past the end of section 7`);
    const data = png.subarray(p + 8, p + 8 + len);
    if (type === "IHDR") {
      width = uint(data, 0, 4);
      height = uint(data, 4, 4);
      depth = data[8];
      channels = CHANNELS[data[9]] ?? 0;
      if (channels === 0) fail(`PNG colour type ${data[9]} is not supported (grey, RGB, grey+alpha, RGBA)`);
      if (data[12] !== 0) fail("interlaced PNG is not supported");
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    p += 12 + len;
  }
  if (width * height !== n) fail(`PNG image is ${width}×${height} for ${n} values`);

  const raw = inflate(idat, fail);
  const bitsPerPixel = depth * channels;
  if (bitsPerPixel > 32) fail(`PNG pixels of ${bitsPerPixel} bits are not supported (at most 32)`);
  const rowBytes = Math.ceil((width * bitsPerPixel) / 8);
  if (raw.length < height * (rowBytes + 1))
    fail(`PNG image data holds ${raw.length} bytes, ${height * (rowBytes + 1)} needed`);
  unfilter(raw, height, rowBytes, Math.max(1, bitsPerPixel >> 3), fail);

  const x = new Float64Array(n);
  for (let r = 0; r < height; r++)
    unpackBits(raw, (r * (rowBytes + 1) + 1) * 8, width, bitsPerPixel, x, r * width);
  scaleInPlace(x, rep);
  return x;
}

function inflate(parts: Uint8Array[], fail: (what: string) => never): Uint8Array {
  try {
    return inflateSync(Buffer.concat(parts));
  } catch (e) {
    return fail(`PNG image data does not inflate (${e instanceof Error ? e.message : String(e)})`);
  }
}

/** Undoes the PNG row filters in place; each row is one filter-type byte and rowBytes bytes. */
function unfilter(
  raw: Uint8Array,
  height: number,
  rowBytes: number,
  bpp: number,
  fail: (what: string) => never,
): void {
  const stride = rowBytes + 1;
  for (let r = 0; r < height; r++) {
    const row = r * stride + 1;
    const prev = row - stride; // only read when r > 0
    const filter = raw[row - 1];
    switch (filter) {
      case 0:
        break;
      case 1:
        for (let i = bpp; i < rowBytes; i++) raw[row + i] = (raw[row + i] + raw[row + i - bpp]) & 0xff;
        break;
      case 2:
        if (r > 0) for (let i = 0; i < rowBytes; i++) raw[row + i] = (raw[row + i] + raw[prev + i]) & 0xff;
        break;
      case 3:
        for (let i = 0; i < rowBytes; i++) {
          const left = i >= bpp ? raw[row + i - bpp] : 0;
          const up = r > 0 ? raw[prev + i] : 0;
          raw[row + i] = (raw[row + i] + ((left + up) >>> 1)) & 0xff;
        }
        break;
      case 4:
        for (let i = 0; i < rowBytes; i++) {
          const a = i >= bpp ? raw[row + i - bpp] : 0;
          const bUp = r > 0 ? raw[prev + i] : 0;
          const c = i >= bpp && r > 0 ? raw[prev + i - bpp] : 0;
          const pa = Math.abs(bUp - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + bUp - 2 * c);
          const pred = pa <= pb && pa <= pc ? a : pb <= pc ? bUp : c;
          raw[row + i] = (raw[row + i] + pred) & 0xff;
        }
        break;
      default:
        fail(`PNG row ${r} has unknown filter type ${filter}`);
    }
  }
}
