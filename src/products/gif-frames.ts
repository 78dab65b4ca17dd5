// Turning rendered RGBA frames into GIF frames fast: the nearest palette colour of every pixel (cached per
// exact colour across all frames), and for the frames after the first only what changed since the previous
// frame, as a sub-rectangle whose unchanged pixels are transparent (dispose 1 keeps the previous frame).
import { createRequire } from "node:module";

// gifenc ships CommonJS without types; its ESM build's default export differs, so load the CJS object.
interface GifFrameOptions {
  palette?: number[][];
  delay?: number;
  repeat?: number;
  transparent?: boolean;
  transparentIndex?: number;
  dispose?: number;
  /** With `auto: false` only: whether this is the first frame (header, screen descriptor, global palette). */
  first?: boolean;
}
interface GifEncoderStream {
  writeFrame(index: Uint8Array, width: number, height: number, opts?: GifFrameOptions): void;
  finish(): void;
  reset(): void;
  bytes(): Uint8Array;
  bytesView(): Uint8Array;
  readonly stream: { writeBytesView(data: Uint8Array): void };
}
interface GifencModule {
  GIFEncoder(opts?: { initialCapacity?: number; auto?: boolean }): GifEncoderStream;
  quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, opts?: { format?: string }): number[][];
}
const gifenc = createRequire(import.meta.url)("gifenc") as GifencModule;

export interface AnimatedGifInput {
  width: number;
  height: number;
  /** Number of frames (≥ 1). */
  count: number;
  /**
   * Opaque RGBA pixels of frame `fi` (width × height × 4 bytes). Called once per frame, in order, except
   * for the palette's sample frames (first, middle, last), which are rendered first and kept.
   */
  render(fi: number): Uint8Array;
  /** Display time of frame `fi`, ms. */
  delayMs(fi: number): number;
}

/** Palette index of the transparent slot ("unchanged since the previous frame"). */
export const GIF_TRANSPARENT = 255;

/**
 * An endlessly looping GIF with one global palette quantised from the first, middle and last frames. Every
 * frame after the first holds only the rectangle that changed, unchanged pixels transparent over the
 * previous frame (dispose 1 = keep), which shrinks the file several-fold when only part of the picture moves.
 */
export function encodeAnimatedGif(input: AnimatedGifInput): Uint8Array {
  const { width, height, count } = input;
  if (!(count >= 1)) throw new Error("animation: no frames");
  const sample = [0, count >> 1, count - 1].filter((v, i, a) => a.indexOf(v) === i);
  const pixels = width * height * 4;
  const joined = new Uint8Array(pixels * sample.length);
  for (let s = 0; s < sample.length; s++) {
    const rgba = input.render(sample[s]);
    if (rgba.length !== pixels)
      throw new Error(`animation: frame of ${rgba.length} bytes, expected ${pixels}`);
    joined.set(rgba, s * pixels);
  }
  // 255 colours + the transparent slot.
  const palette = gifenc.quantize(joined, 255);
  while (palette.length < 255) palette.push([0, 0, 0]);
  palette.push([255, 0, 255]);

  const gif = gifenc.GIFEncoder({ initialCapacity: 1 << 20 });
  // Frames after the first are encoded on their own and then placed at their rectangle.
  const part = gifenc.GIFEncoder({ initialCapacity: 1 << 18, auto: false });
  const differ = new FrameDiffer(
    width,
    height,
    new PaletteIndexer(palette, GIF_TRANSPARENT),
    GIF_TRANSPARENT,
  );
  for (let fi = 0; fi < count; fi++) {
    const s = sample.indexOf(fi);
    let rgba: Uint8Array;
    if (s >= 0) rgba = joined.subarray(s * pixels, (s + 1) * pixels);
    else {
      rgba = input.render(fi);
      if (rgba.length !== pixels)
        throw new Error(`animation: frame of ${rgba.length} bytes, expected ${pixels}`);
    }
    const frame = differ.next(rgba);
    const delay = input.delayMs(fi);
    if (fi === 0) {
      gif.writeFrame(frame.index, width, height, { palette, delay, repeat: 0 });
      continue;
    }
    part.reset();
    part.writeFrame(frame.index, frame.width, frame.height, {
      first: false,
      delay,
      transparent: true,
      transparentIndex: GIF_TRANSPARENT,
      dispose: 1,
    });
    gif.stream.writeBytesView(placeFrame(part.bytesView(), frame.x, frame.y));
  }
  gif.finish();
  return gif.bytes();
}

/**
 * Sets the position of a frame written by gifenc: its graphic control extension (8 bytes), then the image
 * descriptor, whose left and top gifenc leaves at 0.
 */
function placeFrame(bytes: Uint8Array, x: number, y: number): Uint8Array {
  if (bytes[0] !== 0x21 || bytes[1] !== 0xf9 || bytes[2] !== 4 || bytes[8] !== 0x2c)
    throw new Error("animation: unexpected frame layout from the GIF encoder");
  bytes[9] = x & 0xff;
  bytes[10] = x >> 8;
  bytes[11] = y & 0xff;
  bytes[12] = y >> 8;
  return bytes;
}

/**
 * Maps opaque RGB colours to the nearest palette entry (Euclidean distance in RGB, the first entry on a
 * tie). Results are cached per exact colour (a direct-mapped table keyed by the pixel's 32-bit value), so
 * the same colour always gets the same index, in every frame.
 */
export class PaletteIndexer {
  /** The usable palette entries sorted by red (then by index): the search walks out from the pixel's red. */
  private readonly r: Int32Array;
  private readonly g: Int32Array;
  private readonly b: Int32Array;
  private readonly idx: Uint8Array;
  private readonly keys: Int32Array;
  private readonly values: Uint8Array;
  private readonly shift: number;

  /** `usable`: the first entries a pixel may map to (the rest, e.g. a transparent slot, are never chosen). */
  constructor(palette: readonly (readonly number[])[], usable = palette.length, cacheBits = 17) {
    const n = Math.min(usable, palette.length, 256);
    if (n < 1) throw new Error("palette: no colours");
    const order = Array.from({ length: n }, (_, i) => i).sort(
      (a, b) => palette[a][0] - palette[b][0] || a - b,
    );
    this.r = Int32Array.from(order, (i) => palette[i][0]);
    this.g = Int32Array.from(order, (i) => palette[i][1]);
    this.b = Int32Array.from(order, (i) => palette[i][2]);
    this.idx = Uint8Array.from(order);
    const size = 1 << cacheBits;
    this.shift = 32 - cacheBits;
    // Every slot starts as "pixel value 0 → nearest to black": right for value 0, a miss for any other value.
    this.keys = new Int32Array(size);
    this.values = new Uint8Array(size).fill(this.nearest(0, 0, 0));
  }

  /** Index of the palette colour nearest to (r, g, b) (Euclidean in RGB; the lowest index on a tie). */
  nearest(r: number, g: number, b: number): number {
    const pr = this.r;
    const pg = this.g;
    const pb = this.b;
    const idx = this.idx;
    const n = pr.length;
    // First entry with red ≥ r.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pr[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    let best = 256;
    let bestD = Infinity;
    // Outwards from there, up then down; red alone bounds the distance, so each side stops early.
    for (const [from, to, step] of [
      [lo, n, 1],
      [lo - 1, -1, -1],
    ]) {
      for (let i = from; i !== to; i += step) {
        const dr = pr[i] - r;
        let d = dr * dr;
        if (d > bestD) break; // red only grows from here
        const dg = pg[i] - g;
        d += dg * dg;
        if (d > bestD) continue;
        const db = pb[i] - b;
        d += db * db;
        if (d < bestD || (d === bestD && idx[i] < best)) {
          bestD = d;
          best = idx[i];
        }
      }
    }
    return best;
  }

  /**
   * Index for the pixel whose 32-bit value (as read through an Int32Array over the RGBA bytes) is `value`
   * and whose bytes start at `rgba[offset]` (read only on a cache miss).
   */
  index(value: number, rgba: Uint8Array | Uint8ClampedArray, offset: number): number {
    const slot = Math.imul(value, 0x9e3779b1) >>> this.shift;
    if (this.keys[slot] === value) return this.values[slot];
    const idx = this.nearest(rgba[offset], rgba[offset + 1], rgba[offset + 2]);
    this.keys[slot] = value;
    this.values[slot] = idx;
    return idx;
  }
}

/** A frame to write: palette indices of the rectangle (x, y, width, height) of the full image. */
export interface GifFrameRect {
  index: Uint8Array;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Keeps the previous frame (pixel values and palette indices) and produces each new frame's difference.
 * Buffers are reused between frames: a returned `index` is valid until the next call.
 */
export class FrameDiffer {
  private readonly prevValue: Int32Array;
  private readonly prevIndex: Uint8Array;
  /** prevValue's bytes. */
  private readonly prevBytes: Buffer;
  private readonly diff: Uint8Array;
  private crop: Uint8Array;
  private started = false;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly indexer: PaletteIndexer,
    /** Palette index marking "unchanged" in the frames after the first. */
    readonly transparentIndex: number,
  ) {
    const n = width * height;
    this.prevValue = new Int32Array(n);
    this.prevIndex = new Uint8Array(n);
    this.prevBytes = Buffer.from(this.prevValue.buffer, 0, n * 4);
    this.diff = new Uint8Array(n);
    this.crop = new Uint8Array(0);
  }

  /**
   * The first call returns the whole frame's indices. Later calls return the smallest rectangle holding every
   * pixel whose palette index changed, with the unchanged pixels in it set to the transparent index (a 1×1
   * transparent frame when nothing changed).
   */
  next(rgba: Uint8Array | Uint8ClampedArray): GifFrameRect {
    const { width, height } = this;
    const n = width * height;
    if (rgba.length < n * 4) throw new Error(`frame: ${rgba.length} bytes for ${width}×${height} RGBA`);
    const values = int32View(rgba, n);
    const prevValue = this.prevValue;
    const prevIndex = this.prevIndex;
    const indexer = this.indexer;
    if (!this.started) {
      this.started = true;
      let last = values[0];
      let lastIdx = indexer.index(last, rgba, 0);
      for (let p = 0; p < n; p++) {
        const v = values[p];
        if (v !== last) {
          last = v;
          lastIdx = indexer.index(v, rgba, p * 4);
        }
        prevValue[p] = v;
        prevIndex[p] = lastIdx;
      }
      return { index: prevIndex, x: 0, y: 0, width, height };
    }
    const T = this.transparentIndex;
    const diff = this.diff;
    diff.fill(T);
    // Rows are compared natively first: most of them did not change at all.
    const cur = Buffer.from(rgba.buffer, rgba.byteOffset, n * 4);
    const before = this.prevBytes;
    const rowBytes = width * 4;
    let minX = width;
    let maxX = -1;
    let minY = height;
    let maxY = -1;
    let last = values[0];
    let lastIdx = indexer.index(last, rgba, 0);
    for (let y = 0; y < height; y++) {
      const off = y * rowBytes;
      if (cur.compare(before, off, off + rowBytes, off, off + rowBytes) === 0) continue;
      let rowMin = width;
      let rowMax = -1;
      for (let x = 0, p = y * width; x < width; x++, p++) {
        const v = values[p];
        if (v === prevValue[p]) continue;
        prevValue[p] = v;
        if (v !== last) {
          last = v;
          lastIdx = indexer.index(v, rgba, p * 4);
        }
        if (lastIdx === prevIndex[p]) continue;
        prevIndex[p] = lastIdx;
        diff[p] = lastIdx;
        if (rowMax < 0) rowMin = x;
        rowMax = x;
      }
      if (rowMax >= 0) {
        if (minY > y) minY = y;
        maxY = y;
        if (rowMin < minX) minX = rowMin;
        if (rowMax > maxX) maxX = rowMax;
      }
    }
    if (maxY < 0) {
      if (this.crop.length < 1) this.crop = new Uint8Array(1);
      const index = this.crop.subarray(0, 1);
      index[0] = T;
      return { index, x: 0, y: 0, width: 1, height: 1 };
    }
    const w = maxX - minX + 1;
    const h = maxY - minY + 1;
    if (w === width && h === height) return { index: diff, x: 0, y: 0, width, height };
    if (this.crop.length < w * h) this.crop = new Uint8Array(w * h);
    const index = this.crop.subarray(0, w * h);
    for (let y = 0; y < h; y++) {
      const from = (minY + y) * width + minX;
      index.set(diff.subarray(from, from + w), y * w);
    }
    return { index, x: minX, y: minY, width: w, height: h };
  }
}

/** The RGBA bytes as one int32 per pixel (copied only when the buffer is not 4-byte aligned). */
function int32View(rgba: Uint8Array | Uint8ClampedArray, n: number): Int32Array {
  if (rgba.byteOffset % 4 === 0) return new Int32Array(rgba.buffer, rgba.byteOffset, n);
  return new Int32Array(Uint8Array.from(rgba.subarray(0, n * 4)).buffer);
}
