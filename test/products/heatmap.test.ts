// heatmap.png: it decodes, has the promised size, shows the density where it is, and keeps its markers clear.
import { beforeAll, describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import {
  HEATMAP_HEIGHT,
  HEATMAP_WIDTH,
  heatmapView,
  picturesArea,
  renderHeatmapPng,
} from "../../src/products/heatmap.js";
import type { MapInput } from "../../src/products/map-input.js";
import { decodeImage, saveArtifact } from "./pictures.js";
import { makeFixture } from "./pictures-fixture.js";

/** Ramp colours: warm (yellow → dark red), clearly not the blue sea, beige land or grey/black lines. */
function isHeat(r: number, g: number, b: number): boolean {
  return r > 100 && r - b > 80 && g < 245 && !(r > 225 && g > 225 && b > 200);
}

describe("heatmap.png", () => {
  let input: MapInput;
  beforeAll(() => {
    input = makeFixture();
  });

  it("is a 1200×900 PNG with heat colours where the density is", async () => {
    const png = await renderHeatmapPng(input);
    saveArtifact("heatmap.png", png);
    const img = await decodeImage(png);
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
    saveArtifact("heatmap-t6.png", png);
    const img = await decodeImage(png);
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
    saveArtifact("heatmap-all-stranded.png", png);
    expect((await decodeImage(png)).height).toBe(HEATMAP_HEIGHT);
  });
});
