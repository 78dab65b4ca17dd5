import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { computeDensity } from "../../src/products/density.js";
import type { Position } from "../../src/products/geojson-types.js";
import { Laea } from "../../src/products/laea.js";
import {
  computeSearchAreas,
  SEARCH_PERCENTS,
  smallestCellSet,
  toMissionResultFields,
} from "../../src/products/search-areas.js";
import type { DensityGrids } from "../../src/products/types.js";
import { geometryProblems, pointInRing } from "./geometry-check.js";
import { eastOfLand, rng, syntheticContext, syntheticTrajectory } from "./synthetic.js";

/** A one-time density grid with the given counts (nx × ny, row-major) and optional land flags. */
function tinyGrids(nx: number, ny: number, counts: number[], land?: number[]): DensityGrids {
  const p = new Laea(4.5, 60);
  const cells = nx * ny;
  return {
    proj4: p.proj4,
    cellM: 1000,
    nx,
    ny,
    x: Float64Array.from({ length: nx }, (_, i) => i * 1000),
    y: Float64Array.from({ length: ny }, (_, j) => j * 1000),
    lon: new Float64Array(cells),
    lat: new Float64Array(cells),
    land: Uint8Array.from(land ?? new Array(cells).fill(0)),
    counts: Uint32Array.from(counts),
    stranded: new Uint32Array(cells),
    afloat: Uint32Array.from([counts.reduce((a, b, c) => a + (land?.[c] ? 0 : b), 0)]),
    weight: Float64Array.from(counts),
    afloatWeight: Float64Array.from([counts.reduce((a, b, c) => a + (land?.[c] ? 0 : b), 0)]),
  };
}

/** The fewest cells reaching `target`, by trying every subset (tiny grids only). */
function bruteForceMinimum(counts: number[], land: number[], target: number): number {
  let best = Infinity;
  const n = counts.length;
  for (let mask = 1; mask < 1 << n; mask++) {
    let sum = 0;
    let size = 0;
    for (let c = 0; c < n; c++) {
      if (mask & (1 << c)) {
        if (land[c]) {
          size = Infinity;
          break;
        }
        sum += counts[c];
        size++;
      }
    }
    if (sum >= target && size < best) best = size;
  }
  return best;
}

describe("smallest cell sets", () => {
  it("hold at least the share asked for, and no smaller set of cells does (brute force)", () => {
    const r = rng(5);
    for (let trial = 0; trial < 60; trial++) {
      const nx = 3 + Math.floor(r() * 2);
      const ny = 3;
      const counts: number[] = Array.from({ length: nx * ny }, () => (r() < 0.3 ? 0 : Math.floor(r() * 8)));
      if (!counts.some((c) => c > 0)) counts[0] = 1;
      const land = counts.map((c) => (c === 0 && r() < 0.3 ? 1 : 0));
      const g = tinyGrids(nx, ny, counts, land);
      const afloat = g.afloat[0];
      for (const percent of [50, 90, 95, 100]) {
        const set = smallestCellSet(g, 0, percent, { i: 1, j: 1 });
        const held = set.cells.reduce((a, c) => a + counts[c], 0);
        expect(held).toBe(set.weight);
        expect(held / afloat).toBeGreaterThanOrEqual(percent / 100);
        expect(new Set(set.cells).size).toBe(set.cells.length);
        for (const c of set.cells) expect(land[c]).toBe(0);
        const target = Math.ceil((percent / 100) * afloat - 1e-9);
        expect(set.cells.length, `trial ${trial} ${percent} %`).toBe(bruteForceMinimum(counts, land, target));
      }
    }
  });

  it("prefers, among equal cells, those nearest the centre", () => {
    // Ten cells with one particle each in a row; 50 % needs five of them: the five around the centre.
    const g = tinyGrids(10, 1, new Array(10).fill(1));
    const set = smallestCellSet(g, 0, 50, { i: 6, j: 0 });
    expect(set.cells.sort((a, b) => a - b)).toEqual([4, 5, 6, 7, 8]);
  });
});

describe("computeSearchAreas", () => {
  const traj = syntheticTrajectory({ n: 4000, hours: 12, coastLon: 4.62, missingEvery: 17 });

  it("gives nested, valid areas holding 50/90/95 % of the afloat particles, with centroid and most likely cell", () => {
    const ctx = syntheticContext(traj);
    const g = computeDensity(ctx);
    const snaps = computeSearchAreas(ctx, g);
    expect(snaps).toHaveLength(traj.times.length);
    const cells = g.nx * g.ny;
    for (const s of snaps) {
      const k = s.timeIndex;
      expect(s.time).toBe(traj.times[k]);
      expect(s.hoursElapsed).toBe(k);
      expect(s.centroidLon).toBe(ctx.summaries[k].centroidLon);
      expect(s.counts.active).toBe(g.afloat[k]);
      let best = 0;
      for (let c = 1; c < cells; c++) if (g.counts[k * cells + c] > g.counts[k * cells + best]) best = c;
      expect(s.mostLikelyLon).toBe(g.lon[best]);
      let prev = 0;
      for (const p of SEARCH_PERCENTS) {
        const a = s.areas[String(p) as "50" | "90" | "95"]!;
        expect(a.percent).toBe(p);
        expect(a.containedFraction).toBeGreaterThanOrEqual(p / 100);
        expect(a.areaKm2).toBeGreaterThanOrEqual(prev);
        expect(Number.isInteger(a.areaKm2)).toBe(true); // whole 1 km² cells
        expect(a.areaNm2).toBeCloseTo(a.areaKm2 / 1.852 ** 2, 9);
        expect(geometryProblems(a.geometry), `time ${k} ${p} %`).toEqual([]);
        prev = a.areaKm2;
      }
    }
  });

  it("the 90 % polygon contains at least 90 % of the afloat particles (point in polygon)", () => {
    const ctx = syntheticContext(traj);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    const k = traj.times.length - 1;
    const geom = snaps[k].areas["90"]!.geometry;
    const polys: Position[][][] = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
    let inside = 0;
    let afloat = 0;
    for (let i = 0; i < traj.n; i++) {
      if (traj.status[k * traj.n + i] !== Status.active) continue;
      afloat++;
      const p: Position = [traj.lon[k * traj.n + i], traj.lat[k * traj.n + i]];
      if (polys.some((rings) => pointInRing(p, rings[0]) && !rings.slice(1).some((h) => pointInRing(p, h))))
        inside++;
    }
    // Cells are exact; the polygon's straight lon/lat edges and corner chamfers may lose a particle or two.
    expect(inside / afloat).toBeGreaterThanOrEqual(0.899);
  });

  it("keeps land out of the areas when a land mask is given", () => {
    const ctx = syntheticContext(traj, { landmask: eastOfLand(4.62) });
    const g = computeDensity(ctx);
    const snaps = computeSearchAreas(ctx, g);
    for (const s of snaps) {
      const a = s.areas["95"]!;
      const polys: Position[][][] =
        a.geometry.type === "Polygon" ? [a.geometry.coordinates] : a.geometry.coordinates;
      // A land cell centre is east of the coast; no area may contain one.
      for (let c = 0; c < g.nx * g.ny; c++) {
        if (!g.land[c]) continue;
        const p: Position = [g.lon[c], g.lat[c]];
        expect(polys.some((rings) => pointInRing(p, rings[0]))).toBe(false);
      }
    }
  });

  it("has no areas and no position when nothing is afloat", () => {
    const t = syntheticTrajectory({ n: 50, hours: 3 });
    for (let j = t.n; j < t.status.length; j++) t.status[j] = Status.missing_data;
    const ctx = syntheticContext(t);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    expect(snaps[0].areas["50"]).not.toBeNull();
    expect(snaps[3].areas).toEqual({ "50": null, "90": null, "95": null });
    expect(snaps[3].centroidLon).toBeNull();
    expect(snaps[3].mostLikelyLon).toBeNull();
  });
});

describe("toMissionResultFields", () => {
  it("fills the contract's mission_results values from the final time", () => {
    const traj = syntheticTrajectory({ n: 1000, hours: 6, coastLon: 4.56 });
    const ctx = syntheticContext(traj);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    const f = toMissionResultFields(snaps);
    const last = snaps[snaps.length - 1];
    expect(f.centroid_lat).toBeCloseTo(last.centroidLat!, 6);
    expect(f.centroid_lon).toBeCloseTo(last.centroidLon!, 6);
    expect(f.centroid_time).toBe("2016-02-01T18:00:00Z");
    expect(f.search_area_50_geom).toEqual(last.areas["50"]!.geometry);
    expect(f.search_area_90_geom?.type).toMatch(/Polygon/);
    expect(f.search_area_95_geom).toEqual(last.areas["95"]!.geometry);
    expect(f.particle_count).toBe(1000);
    expect(f.stranded_count).toBe(last.counts.stranded);
    expect(f.stranded_count).toBeGreaterThan(0);
    expect(f.timestep_contours).toHaveLength(7);
    expect(Object.keys(f.timestep_contours[2]).sort()).toEqual(
      [
        "centroid_lat",
        "centroid_lon",
        "hours_elapsed",
        "search_area_50_geom",
        "search_area_90_geom",
        "time_index",
        "timestamp",
      ].sort(),
    );
    expect(f.timestep_contours[2]).toMatchObject({
      time_index: 2,
      timestamp: "2016-02-01T14:00:00Z",
      hours_elapsed: 2,
    });
    // JSON-serialisable as the JSONB columns need.
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });
});
