// Cell corners of the map's heat layer from a grid of cell centres.
import { describe, expect, it } from "vitest";
import { cellCorners } from "../../src/service/api/density-grid.js";

describe("cellCorners", () => {
  it("puts the corners of a regular grid halfway between centres, extrapolated at the edges", () => {
    // Centres at lon 10.5, 11.5, 12.5 and lat 60.25, 60.75 (cells 1° × 0.5°).
    const lon = [10.5, 11.5, 12.5, 10.5, 11.5, 12.5];
    const lat = [60.25, 60.25, 60.25, 60.75, 60.75, 60.75];
    const c = cellCorners(lon, lat, 3, 2);
    expect(c.lon).toHaveLength(4 * 3);
    expect(c.lon.slice(0, 4)).toEqual([10, 11, 12, 13]);
    expect(c.lat.filter((_, k) => k % 4 === 0)).toEqual([60, 60.5, 61]);
  });

  it("keeps a grid across the antimeridian in one piece", () => {
    const lon = [179.5, -179.5, 179.5, -179.5];
    const lat = [0.5, 0.5, 1.5, 1.5];
    const c = cellCorners(lon, lat, 2, 2);
    // The middle corner column sits on 180° (or −180°), not near 0°.
    for (const k of [1, 4, 7]) expect(Math.abs(Math.abs(c.lon[k]) - 180)).toBeLessThan(1e-9);
    expect(c.lon[2] === 181 || c.lon[2] === -179).toBe(true);
  });
});
