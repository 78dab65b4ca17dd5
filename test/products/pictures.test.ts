// heatmap.png and animation.gif: they decode, have the promised size, and show the density where it is.
import { mkdirSync, writeFileSync } from "node:fs";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { beforeAll, describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { frameIndices, renderAnimationGif } from "../../src/products/animation.js";
import {
  HEATMAP_HEIGHT,
  HEATMAP_WIDTH,
  heatmapView,
  picturesArea,
  renderHeatmapPng,
} from "../../src/products/heatmap.js";
import { graticuleLabel } from "../../src/products/map-base.js";
import { colorbarTicks, niceFloor } from "../../src/products/map-colours.js";
import type { MapInput } from "../../src/products/map-input.js";
import { Bounds, fitView } from "../../src/products/map-view.js";
import { makeFixture } from "./pictures-fixture.js";

const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url);
function save(name: string, bytes: Uint8Array): void {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(new URL(name, ARTIFACTS), bytes);
}

async function decode(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(Buffer.from(bytes));
  const c = createCanvas(img.width, img.height);
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: g.getImageData(0, 0, img.width, img.height).data };
}

/** Ramp colours: warm (yellow → dark red), clearly not the blue sea, beige land or grey/black lines. */
function isHeat(r: number, g: number, b: number): boolean {
  return r > 100 && r - b > 80 && g < 245 && !(r > 225 && g > 225 && b > 200);
}

/** Minimal GIF reader: screen size, frame count, loop extension and frame delays (centiseconds). */
function readGif(bytes: Uint8Array): {
  width: number;
  height: number;
  frames: number;
  loops: boolean;
  delays: number[];
} {
  const sig = String.fromCharCode(...bytes.subarray(0, 6));
  if (sig !== "GIF89a" && sig !== "GIF87a") throw new Error(`not a GIF: ${sig}`);
  const width = bytes[6] | (bytes[7] << 8);
  const height = bytes[8] | (bytes[9] << 8);
  let p = 13;
  if (bytes[10] & 0x80) p += 3 * 2 ** ((bytes[10] & 7) + 1);
  const skipSubBlocks = () => {
    while (bytes[p] !== 0) p += bytes[p] + 1;
    p++;
  };
  let frames = 0;
  let loops = false;
  const delays: number[] = [];
  for (;;) {
    const b = bytes[p++];
    if (b === 0x3b) break;
    if (b === 0x21) {
      const label = bytes[p++];
      if (label === 0xf9) delays.push(bytes[p + 2] | (bytes[p + 3] << 8));
      if (label === 0xff && String.fromCharCode(...bytes.subarray(p + 1, p + 12)) === "NETSCAPE2.0")
        loops = true;
      skipSubBlocks();
    } else if (b === 0x2c) {
      frames++;
      const flags = bytes[p + 8];
      p += 9;
      if (flags & 0x80) p += 3 * 2 ** ((flags & 7) + 1);
      p++; // LZW minimum code size
      skipSubBlocks();
    } else throw new Error(`GIF: unexpected block 0x${b.toString(16)} at ${p - 1}`);
    if (p > bytes.length) throw new Error("GIF: truncated");
  }
  return { width, height, frames, loops, delays };
}

describe("map helpers", () => {
  it("labels the graticule in whole degrees or degrees and minutes", () => {
    expect(graticuleLabel(60.5, 0.25, true)).toBe("60°30'N");
    expect(graticuleLabel(-10, 1, false)).toBe("10°W");
    expect(graticuleLabel(0, 1, true)).toBe("0°");
  });

  it("picks 1-2-5 steps and colour-bar ticks", () => {
    expect(niceFloor(7.3)).toBe(5);
    expect(niceFloor(0.031)).toBe(0.02);
    expect(colorbarTicks(0.89)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(colorbarTicks(0)).toEqual([0]);
  });

  it("projects lon/lat to pixels and back, across the antimeridian", () => {
    const b = new Bounds(179.9);
    b.add(179.8, -17);
    b.add(-179.8, -16.8);
    expect(b.east).toBeCloseTo(180.2, 9);
    const view = fitView(b, { x: 10, y: 20, w: 400, h: 300 });
    const x = view.x(-179.8);
    const y = view.y(-16.8);
    expect(x).toBeGreaterThan(10);
    expect(x).toBeLessThan(410);
    expect(view.lon(x)).toBeCloseTo(180.2, 9);
    expect(view.lat(y)).toBeCloseTo(-16.8, 9);
    expect(view.x(179.8)).toBeLessThan(x);
  });

  it("samples at most maxFrames output times, keeping the first and last", () => {
    expect(frameIndices(25, 240)).toHaveLength(25);
    const f = frameIndices(721, 240);
    expect(f).toHaveLength(240);
    expect(f[0]).toBe(0);
    expect(f[f.length - 1]).toBe(720);
  });
});

describe("heatmap.png", () => {
  let input: MapInput;
  beforeAll(() => {
    input = makeFixture();
  });

  it("is a 1200×900 PNG with heat colours where the density is", async () => {
    const png = await renderHeatmapPng(input);
    save("heatmap.png", png);
    const img = await decode(png);
    expect([img.width, img.height]).toEqual([HEATMAP_WIDTH, HEATMAP_HEIGHT]);

    // Where the heat pixels are must match where the non-zero density cells project to.
    const view = heatmapView(input);
    const k = input.ctx.trajectory.times.length - 1;
    const { grids } = input;
    const cells = grids.nx * grids.ny;
    let cx = 0;
    let cy = 0;
    let m = 0;
    for (let c = 0; c < cells; c++) {
      if (grids.counts[k * cells + c] === 0) continue;
      cx += view.x(grids.lon[c]);
      cy += view.y(grids.lat[c]);
      m++;
    }
    let hx = 0;
    let hy = 0;
    let heat = 0;
    let outsideMap = 0;
    const r = view.rect;
    for (let y = 0; y < img.height; y++)
      for (let x = 0; x < img.width; x++) {
        const o = (y * img.width + x) * 4;
        if (!isHeat(img.data[o], img.data[o + 1], img.data[o + 2])) continue;
        if (x < r.x || x >= r.x + r.w || y < r.y || y >= r.y + r.h) {
          outsideMap++;
          continue;
        }
        hx += x;
        hy += y;
        heat++;
      }
    expect(heat).toBeGreaterThan(20_000);
    expect(Math.hypot(hx / heat - cx / m, hy / heat - cy / m)).toBeLessThan(25);
    // Outside the map only the colour bar is warm.
    expect(outsideMap).toBeLessThan(24 * 200);

    // The highest cell is dark red; a cell far from the cloud shows the sea colour.
    let best = 0;
    for (let c = 1; c < cells; c++)
      if (grids.counts[k * cells + c] > grids.counts[k * cells + best]) best = c;
    const bx = Math.round(view.x(grids.lon[best]));
    const by = Math.round(view.y(grids.lat[best]));
    let dark = 0;
    for (let dy = -6; dy <= 6; dy++)
      for (let dx = -6; dx <= 6; dx++) {
        const o = ((by + dy) * img.width + bx + dx) * 4;
        if (img.data[o] > 90 && img.data[o + 1] < 60 && img.data[o + 2] < 80) dark++;
      }
    expect(dark).toBeGreaterThan(20);
    const so = ((r.y + 5) * img.width + r.x + 5) * 4;
    expect([img.data[so], img.data[so + 1], img.data[so + 2]]).toEqual([0xdd, 0xe9, 0xf2]);
  });

  it("tells which area the coastline must cover", () => {
    const a = picturesArea(input);
    const view = heatmapView(input);
    expect(a.west).toBeLessThanOrEqual(view.west);
    expect(a.east).toBeGreaterThanOrEqual(view.east);
    expect(a.south).toBeLessThanOrEqual(60);
    expect(a.north).toBeGreaterThan(60);
    expect(a.simplifyM).toBeGreaterThan(5);
    expect(a.simplifyM).toBeLessThan(200);
  });

  it("renders a chosen time, and refuses one outside the run", async () => {
    const png = await renderHeatmapPng(input, 6);
    save("heatmap-t6.png", png);
    const img = await decode(png);
    expect(img.width).toBe(HEATMAP_WIDTH);
    await expect(renderHeatmapPng(input, 25)).rejects.toThrow(
      /timeIndex 25 is outside the output times 0\.\.24/,
    );
  });

  it("still draws a readable map when nothing is afloat", async () => {
    const base = makeFixture({ n: 300, hours: 4 });
    const t = base.ctx.trajectory;
    const k = t.times.length - 1;
    for (let i = 0; i < t.n; i++) t.status[k * t.n + i] = Status.stranded;
    const cells = base.grids.nx * base.grids.ny;
    base.grids.counts.fill(0, k * cells, (k + 1) * cells);
    base.grids.afloat[k] = 0;
    base.grids.weight.fill(0, k * cells, (k + 1) * cells);
    base.grids.afloatWeight[k] = 0;
    const snap = base.areas[k];
    snap.areas = { "50": null, "90": null, "95": null };
    snap.mostLikelyLon = snap.mostLikelyLat = snap.centroidLon = snap.centroidLat = null;
    base.ctx.summaries[k].centroidLon = base.ctx.summaries[k].centroidLat = null;
    const png = await renderHeatmapPng(base);
    save("heatmap-all-stranded.png", png);
    expect((await decode(png)).height).toBe(HEATMAP_HEIGHT);
  });
});

describe("animation.gif", () => {
  it("has one 800×600 frame per output time, loops, 0.4 s per frame", async () => {
    const input = makeFixture();
    const gif = await renderAnimationGif(input);
    save("animation.gif", gif);
    const info = readGif(gif);
    expect(info.width).toBe(800);
    expect(info.height).toBe(600);
    expect(info.frames).toBe(input.ctx.trajectory.times.length);
    expect(info.loops).toBe(true);
    expect(info.delays[0]).toBe(40);
    expect(info.delays[info.delays.length - 1]).toBe(200);
    const first = await decode(gif);
    expect([first.width, first.height]).toEqual([800, 600]);
  });

  it("samples long runs down to maxFrames", async () => {
    const input = makeFixture({ n: 200, hours: 12 });
    const info = readGif(await renderAnimationGif(input, { maxFrames: 5, width: 400, height: 300 }));
    expect(info.frames).toBe(5);
    expect(info.width).toBe(400);
  });
});
