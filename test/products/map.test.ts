import { describe, expect, it } from "vitest";
import { frameIndices } from "../../src/products/animation.js";
import { graticuleLabel } from "../../src/products/map-base.js";
import { colorbarTicks, niceFloor } from "../../src/products/map-colours.js";
import { Bounds, fitView } from "../../src/products/map-view.js";

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
