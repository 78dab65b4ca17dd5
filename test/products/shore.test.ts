import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import type { Position } from "../../src/products/geojson-types.js";
import { missionKml } from "../../src/products/kml.js";
import { STRETCH_KM, shoreStretches } from "../../src/products/shore.js";
import { syntheticContext, syntheticTrajectory } from "./synthetic.js";

describe("stranding per shore stretch", () => {
  it("sums to the stranded share, largest first, with the first stranding time", () => {
    const t = syntheticTrajectory({ n: 2000, hours: 12, coastLon: 4.56 });
    const ctx = syntheticContext(t);
    // A straight north-south shore at the coast longitude, as a closed ring around the land to its east.
    const ring: Position[] = [];
    for (let lat = 59.5; lat <= 60.7; lat += 0.005) ring.push([4.56, lat]);
    ring.push([5.5, 60.7], [5.5, 59.5], [4.56, 59.5]);
    const stretches = shoreStretches(ctx, [ring]);
    const last = (t.times.length - 1) * t.n;
    let stranded = 0;
    for (let i = 0; i < t.n; i++) if (t.status[last + i] === Status.stranded) stranded++;
    expect(stranded).toBeGreaterThan(0);
    const total = stretches.reduce((s, x) => s + x.share, 0);
    expect(total).toBeCloseTo(stranded / t.n, 12);
    expect(stretches.reduce((s, x) => s + x.particles, 0)).toBe(stranded);
    for (let s = 1; s < stretches.length; s++)
      expect(stretches[s].share).toBeLessThanOrEqual(stretches[s - 1].share);
    for (const s of stretches) {
      expect(s.firstTime).toBeGreaterThanOrEqual(t.times[0]);
      // Stretches follow the shore and are about STRETCH_KM long.
      const km = Math.hypot(
        (s.line[s.line.length - 1][0] - s.line[0][0]) * 55.6,
        (s.line[s.line.length - 1][1] - s.line[0][1]) * 111.2,
      );
      expect(km).toBeLessThan(STRETCH_KM * 1.5);
    }
    // mission.kml: the top three stretches with their table.
    const kml = missionKml(ctx, [], stretches);
    expect(kml).toContain("<Folder><name>Shore to search</name>");
    expect(kml.match(/<name>Shore \d: /g)).toHaveLength(Math.min(3, stretches.length));
    expect(kml).toContain(`Shore 1: ${(stretches[0].share * 100).toFixed(1)} %`);
  });
});
