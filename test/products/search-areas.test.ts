import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";
import { Status } from "../../src/core/types.js";
import { computeDensity } from "../../src/products/density.js";
import type { MultiPolygon, Polygon, Position } from "../../src/products/geojson-types.js";
import {
  computeSearchAreas,
  SEARCH_PERCENTS,
  toMissionResultFields,
} from "../../src/products/search-areas.js";
import { geometryProblems, pointInRing } from "./geometry-check.js";
import { eastOfLand, syntheticContext, syntheticTrajectory } from "./synthetic.js";

describe("computeSearchAreas", () => {
  const traj = syntheticTrajectory({ n: 4000, hours: 12, coastLon: 4.62, missingEvery: 17 });

  /** Share of the afloat particles of `t` at time k inside the geometry (point in polygon, holes out). */
  function shareInside(t: Trajectory, k: number, geom: Polygon | MultiPolygon): number {
    const polys: Position[][][] = geom.type === "Polygon" ? [geom.coordinates] : geom.coordinates;
    let inside = 0;
    let afloat = 0;
    for (let i = 0; i < t.n; i++) {
      if (t.status[k * t.n + i] !== Status.active) continue;
      afloat++;
      const p: Position = [t.lon[k * t.n + i], t.lat[k * t.n + i]];
      if (polys.some((rings) => pointInRing(p, rings[0]) && !rings.slice(1).some((h) => pointInRing(p, h))))
        inside++;
    }
    return inside / afloat;
  }

  it("gives nested, valid areas holding 50/90/95 % of the smoothed probability, with centroid and mode", () => {
    const ctx = syntheticContext(traj);
    const g = computeDensity(ctx);
    const snaps = computeSearchAreas(ctx, g);
    expect(snaps).toHaveLength(traj.times.length);
    for (const s of snaps) {
      const k = s.timeIndex;
      expect(s.time).toBe(traj.times[k]);
      expect(s.hoursElapsed).toBe(k);
      expect(s.centroidLon).toBe(ctx.summaries[k].centroidLon);
      expect(s.counts.active).toBe(g.afloat[k]);
      expect(s.mostLikely).not.toBeNull();
      expect(s.mostLikelyLon).toBe(s.mostLikely!.lon);
      expect(s.mostLikely!.modeBandwidthKm).toBeGreaterThan(s.mostLikely!.bandwidthKm);
      let prev = 0;
      for (const p of SEARCH_PERCENTS) {
        const a = s.areas[String(p) as "50" | "90" | "95"]!;
        expect(a.percent).toBe(p);
        // The level sits between two cell values: the share reaches p, less what dropped pieces held.
        expect(a.containedFraction + a.droppedFraction).toBeGreaterThanOrEqual(p / 100 - 1e-9);
        expect(a.containedFraction).toBeCloseTo(
          a.pieces.reduce((x, q) => x + q.probability, 0),
          12,
        );
        expect(a.areaKm2).toBeGreaterThan(prev);
        expect(a.areaNm2).toBeCloseTo(a.areaKm2 / 1.852 ** 2, 9);
        expect(geometryProblems(a.geometry), `time ${k} ${p} %`).toEqual([]);
        prev = a.areaKm2;
      }
    }
  });

  it("the 50 % area of a one-mode cloud is one polygon without holes, and its mode sits inside it", () => {
    const ctx = syntheticContext(traj);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    for (const s of snaps.slice(1)) {
      const a = s.areas["50"]!;
      expect(a.geometry.type, `hour ${s.timeIndex}`).toBe("Polygon");
      expect((a.geometry as Polygon).coordinates).toHaveLength(1);
      expect(pointInRing([s.mostLikelyLon!, s.mostLikelyLat!], (a.geometry as Polygon).coordinates[0])).toBe(
        true,
      );
      expect(s.mostLikely!.radiusKm).toBeCloseTo(Math.sqrt(a.areaKm2 / Math.PI), 9);
    }
  });

  it("is calibrated: another seed's afloat particles fall 50 ± 3 %, 90 ± 2 %, 95 ± 2 % inside", () => {
    const a = syntheticTrajectory({ n: 5000, hours: 12, seed: 1 });
    const b = syntheticTrajectory({ n: 5000, hours: 12, seed: 2 });
    const ctx = syntheticContext(a);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    for (const k of [6, 12]) {
      expect(shareInside(b, k, snaps[k].areas["50"]!.geometry)).toBeCloseTo(0.5, 1);
      expect(Math.abs(shareInside(b, k, snaps[k].areas["50"]!.geometry) - 0.5)).toBeLessThanOrEqual(0.03);
      expect(Math.abs(shareInside(b, k, snaps[k].areas["90"]!.geometry) - 0.9)).toBeLessThanOrEqual(0.02);
      expect(Math.abs(shareInside(b, k, snaps[k].areas["95"]!.geometry) - 0.95)).toBeLessThanOrEqual(0.02);
    }
  });

  it("moves the most likely position between hours no more than the centroid plus one bandwidth", () => {
    const ctx = syntheticContext(traj);
    const snaps = computeSearchAreas(ctx, computeDensity(ctx));
    const km = (lon1: number, lat1: number, lon2: number, lat2: number) =>
      Math.hypot((lon2 - lon1) * 111.2 * Math.cos((lat1 * Math.PI) / 180), (lat2 - lat1) * 111.2);
    for (let k = 1; k < snaps.length; k++) {
      const [p, q] = [snaps[k - 1], snaps[k]];
      const mode = km(p.mostLikelyLon!, p.mostLikelyLat!, q.mostLikelyLon!, q.mostLikelyLat!);
      const centroid = km(p.centroidLon!, p.centroidLat!, q.centroidLon!, q.centroidLat!);
      expect(mode, `hour ${k}`).toBeLessThanOrEqual(centroid + q.mostLikely!.modeBandwidthKm);
    }
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
