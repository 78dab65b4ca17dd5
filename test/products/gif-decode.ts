// A small GIF decoder for tests: every frame composited onto the screen as the viewer shows it (disposal
// "none"/"keep" only, which is all animation.gif uses), as RGB bytes.

export interface DecodedGif {
  width: number;
  height: number;
  /** The global colour table, [r, g, b] per entry. */
  palette: number[][];
  /** The screen after each frame, width × height × 3 bytes. */
  frames: Uint8Array[];
  /** Each frame's rectangle. */
  rects: { x: number; y: number; width: number; height: number }[];
}

export function decodeGif(bytes: Uint8Array): DecodedGif {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== "GIF89a" && sig !== "GIF87a") throw new Error(`not a GIF: ${sig}`);
  const u16 = (p: number) => bytes[p] | (bytes[p + 1] << 8);
  const width = u16(6);
  const height = u16(8);
  const flags = bytes[10];
  let p = 13;
  const readTable = (size: number): number[][] => {
    const t: number[][] = [];
    for (let i = 0; i < size; i++, p += 3) t.push([bytes[p], bytes[p + 1], bytes[p + 2]]);
    return t;
  };
  const palette = flags & 0x80 ? readTable(1 << ((flags & 7) + 1)) : [];
  const screen = new Uint8Array(width * height * 3);
  const frames: Uint8Array[] = [];
  const rects: DecodedGif["rects"] = [];
  let transparent = -1;
  let dispose = 0;
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) {
        const f = bytes[p + 1];
        dispose = (f >> 2) & 7;
        transparent = f & 1 ? bytes[p + 4] : -1;
      }
      while (bytes[p] !== 0) p += bytes[p] + 1;
      p++;
    } else if (b === 0x2c) {
      const x = u16(p);
      const y = u16(p + 2);
      const w = u16(p + 4);
      const h = u16(p + 6);
      const f = bytes[p + 8];
      p += 9;
      if (f & 0x40) throw new Error("GIF: interlaced frames not supported");
      const table = f & 0x80 ? readTable(1 << ((f & 7) + 1)) : palette;
      const minCodeSize = bytes[p++];
      const data: number[] = [];
      while (bytes[p] !== 0) {
        const n = bytes[p];
        for (let i = 1; i <= n; i++) data.push(bytes[p + i]);
        p += n + 1;
      }
      p++;
      const index = lzwDecode(Uint8Array.from(data), minCodeSize, w * h);
      if (x + w > width || y + h > height) throw new Error("GIF: frame outside the screen");
      if (dispose > 1) throw new Error(`GIF: disposal ${dispose} not supported`);
      for (let yy = 0; yy < h; yy++) {
        for (let xx = 0; xx < w; xx++) {
          const c = index[yy * w + xx];
          if (c === transparent) continue;
          const o = ((y + yy) * width + x + xx) * 3;
          screen[o] = table[c][0];
          screen[o + 1] = table[c][1];
          screen[o + 2] = table[c][2];
        }
      }
      frames.push(screen.slice());
      rects.push({ x, y, width: w, height: h });
      transparent = -1;
      dispose = 0;
    } else throw new Error(`GIF: unexpected block 0x${b.toString(16)} at ${p - 1}`);
    if (p > bytes.length) throw new Error("GIF: truncated");
  }
  return { width, height, palette, frames, rects };
}

function lzwDecode(data: Uint8Array, minCodeSize: number, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels);
  const clear = 1 << minCodeSize;
  const eoi = clear + 1;
  const prefix = new Int32Array(4096);
  const suffix = new Uint8Array(4096);
  const first = new Uint8Array(4096);
  const stack = new Uint8Array(4097);
  for (let i = 0; i < clear; i++) {
    suffix[i] = i;
    first[i] = i;
    prefix[i] = -1;
  }
  let size = minCodeSize + 1;
  let next = eoi + 1;
  let prev = -1;
  let bits = 0;
  let acc = 0;
  let pos = 0;
  let n = 0;
  while (n < pixels) {
    while (bits < size) {
      if (pos >= data.length) throw new Error("GIF: LZW data ended early");
      acc |= data[pos++] << bits;
      bits += 8;
    }
    const code = acc & ((1 << size) - 1);
    acc >>>= size;
    bits -= size;
    if (code === clear) {
      size = minCodeSize + 1;
      next = eoi + 1;
      prev = -1;
      continue;
    }
    if (code === eoi) break;
    let c = code;
    let sp = 0;
    if (prev >= 0 && code >= next) {
      // The KwKwK case: the previous string plus its own first character.
      stack[sp++] = first[prev];
      c = prev;
    } else if (code >= next) throw new Error("GIF: bad LZW code");
    while (c >= 0 && sp < stack.length) {
      stack[sp++] = suffix[c];
      c = prefix[c];
    }
    while (sp > 0 && n < pixels) out[n++] = stack[--sp];
    if (prev >= 0 && next < 4096) {
      prefix[next] = prev;
      suffix[next] = first[code < next ? code : prev];
      first[next] = first[prev];
      next++;
      if (next === 1 << size && size < 12) size++;
    }
    prev = code;
  }
  if (n < pixels) throw new Error(`GIF: ${n} of ${pixels} pixels`);
  return out;
}
