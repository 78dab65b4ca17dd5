import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { searchAreasCsv } from "../../src/products/csv.js";
import { computeDensity } from "../../src/products/density.js";
import type { Position } from "../../src/products/geojson-types.js";
import { searchAreasGpx } from "../../src/products/gpx.js";
import { areaOutlines, pieceOutline } from "../../src/products/outline.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { geometryProblems, pointInRing } from "./geometry-check.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";

describe("search-area outlines", () => {
  const traj = syntheticTrajectory({ n: 3000, hours: 8 });
  const ctx = syntheticContext(traj);
  const snaps = computeSearchAreas(ctx, computeDensity(ctx));

  it("have at most 12 corners, are valid, contain their piece and hold at least its particles", () => {
    for (const s of snaps.slice(1)) {
      for (const key of ["50", "90", "95"] as const) {
        const a = s.areas[key]!;
        const polys: Position[][][] =
          a.geometry.type === "Polygon" ? [a.geometry.coordinates] : a.geometry.coordinates;
        const outlines = areaOutlines(a.geometry);
        expect(outlines).toHaveLength(polys.length);
        outlines.forEach((o, p) => {
          const ring = o.coordinates[0];
          expect(ring.length - 1).toBeLessThanOrEqual(12);
          expect(geometryProblems(o)).toEqual([]);
          // Every corner of the piece lies inside (or on, within rounding) its outline.
          const grown = pieceOutline(polys[p][0], 12);
          expect(grown).toEqual(ring);
          let inPiece = 0;
          let inOutline = 0;
          const k = s.timeIndex;
          for (let i = 0; i < traj.n; i++) {
            if (traj.status[k * traj.n + i] !== Status.active) continue;
            const q: Position = [traj.lon[k * traj.n + i], traj.lat[k * traj.n + i]];
            const piece = pointInRing(q, polys[p][0]) && !polys[p].slice(1).some((h) => pointInRing(q, h));
            if (piece) inPiece++;
            if (pointInRing(q, ring)) inOutline++;
            if (piece) expect(pointInRing(q, ring)).toBe(true);
          }
          expect(inOutline).toBeGreaterThanOrEqual(inPiece);
        });
      }
    }
  });

  it("go to the CSV (decimal and degrees-minutes) and to GPX routes", () => {
    const csv = searchAreasCsv(ctx, snaps);
    const rows = csv.split("\n").filter((l) => l.startsWith("outline_corner,"));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].split(",")).toHaveLength(13);
    expect(rows[0]).toMatch(/,\d+°\d+\.\d{3}'[NS],\d+°\d+\.\d{3}'[EW]$/);
    const gpx = searchAreasGpx(ctx, snaps);
    const routes = gpx.match(/<rte>/g)?.length ?? 0;
    const expected = snaps.reduce(
      (n, s) =>
        n + (["50", "90", "95"] as const).reduce((m, key) => m + (s.areas[key]?.pieces.length ?? 0), 0),
      0,
    );
    expect(routes).toBe(expected);
    expect(gpx.match(/<\/rte>/g)?.length).toBe(routes);
    expect(gpx).toContain('<gpx version="1.1"');
  });
});
