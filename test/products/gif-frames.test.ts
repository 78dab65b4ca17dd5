// The GIF frame pipeline of animation.gif: nearest-colour lookup, frame differences, and the whole encoding
// decoded back (every pixel of every frame shows the palette colour nearest to what was rendered).
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { describe, expect, it } from "vitest";
import { renderAnimationGif } from "../../src/products/animation.js";
import {
  encodeAnimatedGif,
  FrameDiffer,
  GIF_TRANSPARENT,
  PaletteIndexer,
} from "../../src/products/gif-frames.js";
import { decodeGif } from "./gif-decode.js";
import { makeFixture } from "./pictures-fixture.js";
import { rng } from "./synthetic.js";

/** Brute force: the lowest index among the nearest of the first `usable` entries. */
function nearestBrute(palette: number[][], usable: number, r: number, g: number, b: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < usable; i++) {
    const d = (palette[i][0] - r) ** 2 + (palette[i][1] - g) ** 2 + (palette[i][2] - b) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}

function randomPalette(random: () => number, n: number): number[][] {
  return Array.from({ length: n }, () => [0, 0, 0].map(() => Math.floor(random() * 256)));
}

/** One opaque pixel's RGBA bytes and its value as read through an Int32Array. */
function pixel(r: number, g: number, b: number): { bytes: Uint8Array; value: number } {
  const bytes = Uint8Array.of(r, g, b, 255);
  return { bytes, value: new Int32Array(bytes.buffer)[0] };
}

describe("PaletteIndexer", () => {
  it("maps every palette colour to itself (the first of duplicates), never to an unusable slot", () => {
    const random = rng(1);
    const palette = randomPalette(random, 200);
    palette.push([0, 0, 0], [0, 0, 0], palette[17].slice(), [255, 0, 255]);
    const usable = palette.length - 1;
    const indexer = new PaletteIndexer(palette, usable);
    for (let i = 0; i < usable; i++) {
      const [r, g, b] = palette[i];
      const expected = palette.findIndex((c) => c[0] === r && c[1] === g && c[2] === b);
      expect(indexer.nearest(r, g, b)).toBe(expected);
      const { bytes, value } = pixel(r, g, b);
      expect(indexer.index(value, bytes, 0)).toBe(expected);
      expect(indexer.index(value, bytes, 0)).toBe(expected); // cached
    }
    const { bytes, value } = pixel(255, 0, 255);
    expect(indexer.index(value, bytes, 0)).not.toBe(usable);
  });

  it("finds the nearest colour (lowest index on a tie) for random colours, cached or not", () => {
    const random = rng(2);
    for (const size of [1, 2, 7, 64, 255]) {
      const palette = randomPalette(random, size);
      // A small cache forces collisions and evictions.
      const indexer = new PaletteIndexer(palette, size, 6);
      for (let k = 0; k < 3000; k++) {
        // Half the colours from a small set, so that cached values are reused.
        const [r, g, b] =
          k % 2 ? [0, 0, 0].map(() => Math.floor(random() * 256)) : [(k * 37) % 256, 128, (k * 11) % 4];
        const expected = nearestBrute(palette, size, r, g, b);
        const { bytes, value } = pixel(r, g, b);
        expect(indexer.index(value, bytes, 0)).toBe(expected);
      }
    }
    // Black (pixel value 0 in a non-opaque buffer) hits the pre-filled cache slots correctly.
    const palette = [
      [10, 10, 10],
      [1, 1, 1],
    ];
    const indexer = new PaletteIndexer(palette, 2);
    expect(indexer.index(0, new Uint8Array(4), 0)).toBe(1);
  });
});

describe("FrameDiffer", () => {
  const palette = [
    [0, 0, 0],
    [255, 255, 255],
    [255, 0, 0],
    [0, 0, 255],
    [255, 0, 255],
  ];
  const T = 4;
  const frameOf = (w: number, h: number, paint: (x: number, y: number) => number[]) => {
    const out = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set([...paint(x, y), 255], (y * w + x) * 4);
    return out;
  };

  it("gives the whole first frame, then only changed pixels in their rectangle, the rest transparent", () => {
    const w = 9;
    const h = 7;
    const differ = new FrameDiffer(w, h, new PaletteIndexer(palette, T), T);
    const first = differ.next(frameOf(w, h, (x) => (x < 4 ? [250, 250, 250] : [5, 5, 5])));
    expect([first.x, first.y, first.width, first.height]).toEqual([0, 0, w, h]);
    expect(Array.from(first.index.subarray(0, w))).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0]);

    // A red pixel at (2, 1) and a blue one at (6, 4); (5, 3) changes colour but not palette index.
    const second = differ.next(
      frameOf(w, h, (x, y) => {
        if (x === 2 && y === 1) return [240, 10, 10];
        if (x === 6 && y === 4) return [0, 0, 200];
        if (x === 5 && y === 3) return [6, 6, 6];
        return x < 4 ? [250, 250, 250] : [5, 5, 5];
      }),
    );
    expect([second.x, second.y, second.width, second.height]).toEqual([2, 1, 5, 4]);
    const cell = (x: number, y: number) => second.index[(y - second.y) * second.width + (x - second.x)];
    expect(cell(2, 1)).toBe(2);
    expect(cell(6, 4)).toBe(3);
    expect(cell(5, 3)).toBe(T);
    let transparent = 0;
    for (const v of second.index) if (v === T) transparent++;
    expect(transparent).toBe(5 * 4 - 2);

    // Nothing changed: one transparent pixel.
    const same = differ.next(
      frameOf(w, h, (x, y) => {
        if (x === 2 && y === 1) return [240, 10, 10];
        if (x === 6 && y === 4) return [0, 0, 200];
        return x < 4 ? [250, 250, 250] : [5, 5, 5];
      }),
    );
    expect([same.width, same.height, same.index[0]]).toEqual([1, 1, T]);
  });
});

describe("encodeAnimatedGif", () => {
  it("decodes to the nearest palette colour of every rendered pixel, in every frame", () => {
    const width = 64;
    const height = 40;
    const count = 7;
    const random = rng(3);
    const background = new Uint8Array(width * height * 4);
    for (let p = 0; p < width * height; p++) {
      // A gradient with noise: many colours, more than the palette holds.
      background.set(
        [(p % width) * 4, Math.floor(p / width) * 6, Math.floor(random() * 40) + 100, 255],
        p * 4,
      );
    }
    const frames: Uint8Array[] = [];
    for (let fi = 0; fi < count; fi++) {
      const f = background.slice();
      // A square moving right, and a pixel blinking in a corner.
      for (let y = 10; y < 20; y++)
        for (let x = 5 + fi * 6; x < 15 + fi * 6; x++)
          f.set([230, 40 + fi * 20, 20, 255], (y * width + x) * 4);
      if (fi % 2) f.set([0, 0, 0, 255], 0);
      frames.push(f);
    }
    const rendered: number[] = [];
    const gif = encodeAnimatedGif({
      width,
      height,
      count,
      render: (fi) => {
        rendered.push(fi);
        return frames[fi];
      },
      delayMs: (fi) => (fi === count - 1 ? 2000 : 400),
    });
    expect([...rendered].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);

    const decoded = decodeGif(gif);
    expect([decoded.width, decoded.height, decoded.frames.length]).toEqual([width, height, count]);
    const palette = decoded.palette;
    expect(palette.length).toBe(256);
    expect(palette[GIF_TRANSPARENT]).toEqual([255, 0, 255]);
    for (let fi = 0; fi < count; fi++) {
      const shown = decoded.frames[fi];
      const f = frames[fi];
      for (let p = 0; p < width * height; p++) {
        const i = nearestBrute(palette, GIF_TRANSPARENT, f[p * 4], f[p * 4 + 1], f[p * 4 + 2]);
        if (
          shown[p * 3] !== palette[i][0] ||
          shown[p * 3 + 1] !== palette[i][1] ||
          shown[p * 3 + 2] !== palette[i][2]
        )
          throw new Error(
            `frame ${fi}, pixel ${p}: shows ${shown.subarray(p * 3, p * 3 + 3)}, nearest ${palette[i]}`,
          );
      }
    }
    // Later frames cover only what moved: the square's old and new place (and the blinking corner).
    expect(decoded.rects[0]).toEqual({ x: 0, y: 0, width, height });
    for (const r of decoded.rects.slice(1)) expect(r.width * r.height).toBeLessThan((width * height) / 2);
    expect(decoded.rects[2]).toEqual({ x: 0, y: 0, width: 27, height: 20 });
  });
});

describe("renderAnimationGif", () => {
  it("decodes frame by frame; the first frame as @napi-rs/canvas decodes it, later ones only where it moved", async () => {
    const input = makeFixture({ n: 500, hours: 8 });
    const gif = await renderAnimationGif(input, { width: 480, height: 360 });
    const decoded = decodeGif(gif);
    expect(decoded.frames.length).toBe(input.ctx.trajectory.times.length);
    const img = await loadImage(Buffer.from(gif));
    const c = createCanvas(img.width, img.height);
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const first = g.getImageData(0, 0, img.width, img.height).data;
    let diff = 0;
    for (let p = 0; p < img.width * img.height; p++)
      for (let k = 0; k < 3; k++) if (first[p * 4 + k] !== decoded.frames[0][p * 3 + k]) diff++;
    expect(diff).toBe(0);
    for (const r of decoded.rects.slice(1)) expect(r.width * r.height).toBeLessThan(480 * 360);
    // The cloud moves: frames differ.
    expect(Buffer.compare(Buffer.from(decoded.frames[0]), Buffer.from(decoded.frames.at(-1)!))).not.toBe(0);
  });
});
