// Weighted particles: a particle of weight 2 must count in every product as two particles of weight 1 at the
// same place (density, search areas, most likely cell, centroid, spread, shares by status).
import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";
import { Status } from "../../src/core/types.js";
import { computeDensity } from "../../src/products/density.js";
import { computeSearchAreas } from "../../src/products/search-areas.js";
import { buildSnapshotSummaries } from "../../src/products/summary.js";
import { duplicated, eastOfLand, syntheticContext, syntheticTrajectory } from "./synthetic.js";

describe("weighted particles", () => {
  const base = syntheticTrajectory({ n: 600, hours: 6, coastLon: 4.58, missingEvery: 23 });
  const heavy = (i: number) => i % 3 === 0;
  const weighted: Trajectory = { ...base, weight: base.weight.map((_, i) => (heavy(i) ? 2 : 1)) };
  const twice = duplicated(base, heavy);
  const opts = { landmask: eastOfLand(4.58) };
  const a = syntheticContext(weighted, opts);
  const b = syntheticContext(twice, opts);

  it("count as that many particles in the summaries: centroid, spread and shares by status", () => {
    const sa = buildSnapshotSummaries(weighted);
    const sb = buildSnapshotSummaries(twice);
    for (let k = 0; k < sa.length; k++) {
      expect(sa[k].centroidLon).toBeCloseTo(sb[k].centroidLon as number, 10);
      expect(sa[k].centroidLat).toBeCloseTo(sb[k].centroidLat as number, 10);
      expect(sa[k].stdEastKm).toBeCloseTo(sb[k].stdEastKm as number, 8);
      expect(sa[k].stdNorthKm).toBeCloseTo(sb[k].stdNorthKm as number, 8);
      for (const key of Object.keys(sb[k].shares ?? {}))
        expect(sa[k].shares?.[key]).toBeCloseTo(sb[k].shares?.[key] as number, 12);
      // Counts stay particle counts.
      expect(sa[k].counts.active).toBe(
        Array.from(weighted.status.subarray(k * 600, (k + 1) * 600)).filter((s) => s === Status.active)
          .length,
      );
    }
    const last = sa[sa.length - 1].shares ?? {};
    expect(Object.values(last).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 12);
    expect(last.stranded).toBeGreaterThan(0);
  });

  it("count as that many particles in the density grid, the search areas and the most likely cell", () => {
    const ga = computeDensity(a, { minParticlesPerCell: 0 });
    const gb = computeDensity(b, { minParticlesPerCell: 0 });
    expect([ga.nx, ga.ny, ga.cellM]).toEqual([gb.nx, gb.ny, gb.cellM]);
    expect(Array.from(ga.weight)).toEqual(Array.from(gb.weight));
    expect(Array.from(ga.afloatWeight)).toEqual(Array.from(gb.afloatWeight));
    // Counts stay particle counts: fewer than in the duplicated run.
    expect(ga.afloat[0]).toBeLessThan(gb.afloat[0]);
    // The search areas smooth with a bandwidth from the effective count (Σw)²/Σw²: one particle of weight 2
    // counts less than two particles there, so the areas agree closely, not exactly.
    const aa = computeSearchAreas(a, ga);
    const ab = computeSearchAreas(b, gb);
    for (let k = 0; k < aa.length; k++) {
      const km = Math.hypot(
        ((aa[k].mostLikelyLon as number) - (ab[k].mostLikelyLon as number)) * 55.6,
        ((aa[k].mostLikelyLat as number) - (ab[k].mostLikelyLat as number)) * 111.2,
      );
      expect(km).toBeLessThan(aa[k].mostLikely?.modeBandwidthKm as number);
      for (const p of ["50", "90", "95"] as const) {
        const [x, y] = [aa[k].areas[p]?.areaKm2 as number, ab[k].areas[p]?.areaKm2 as number];
        expect(Math.abs(x - y) / y, `time ${k} ${p} %`).toBeLessThan(0.1);
        expect(aa[k].areas[p]?.containedFraction).toBeCloseTo(ab[k].areas[p]?.containedFraction as number, 2);
      }
    }
  });

  it("weigh in: the search areas follow the heavy particles", () => {
    // The western half of the cloud weighs ten times more: the most likely cell and the centroid move west.
    const k = base.times.length - 1;
    const middle = buildSnapshotSummaries(base)[k].centroidLon as number;
    const west = (i: number) => base.lon[k * base.n + i] < middle;
    const tilted: Trajectory = { ...base, weight: base.weight.map((_, i) => (west(i) ? 10 : 1)) };
    const plain = syntheticContext(base, opts);
    const leaning = syntheticContext(tilted, opts);
    const sp = computeSearchAreas(plain, computeDensity(plain));
    const sl = computeSearchAreas(leaning, computeDensity(leaning));
    expect(sl[k].mostLikelyLon as number).toBeLessThan(middle);
    expect(buildSnapshotSummaries(tilted)[k].centroidLon as number).toBeLessThan(
      buildSnapshotSummaries(base)[k].centroidLon as number,
    );
    expect(JSON.stringify(sl[k].areas["50"]?.geometry)).not.toBe(JSON.stringify(sp[k].areas["50"]?.geometry));
  });
});
