import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { buildSnapshotSummaries, metresPerDegree, summariesForJson } from "../../src/products/summary.js";
import { syntheticTrajectory } from "./synthetic.js";

describe("buildSnapshotSummaries", () => {
  it("counts by status and gives centroid and spread of the afloat particles", () => {
    const t = syntheticTrajectory({
      n: 500,
      hours: 6,
      releaseEverySeconds: 60,
      coastLon: 4.56,
      missingEvery: 11,
    });
    const s = buildSnapshotSummaries(t);
    expect(s).toHaveLength(7);
    for (let k = 0; k < 7; k++) {
      const total = Object.values(s[k].counts).reduce((a, b) => a + b, 0);
      expect(total).toBe(500);
      let n = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < t.n; i++) {
        if (t.status[k * t.n + i] !== Status.active) continue;
        n++;
        sx += t.lon[k * t.n + i];
        sy += t.lat[k * t.n + i];
      }
      expect(s[k].counts.active).toBe(n);
      expect(s[k].centroidLon).toBeCloseTo(sx / n, 9);
      expect(s[k].centroidLat).toBeCloseTo(sy / n, 9);
      let vy = 0;
      for (let i = 0; i < t.n; i++) {
        if (t.status[k * t.n + i] === Status.active) vy += (t.lat[k * t.n + i] - sy / n) ** 2;
      }
      expect(s[k].stdNorthKm).toBeCloseTo((Math.sqrt(vy / n) * metresPerDegree(sy / n).north) / 1000, 9);
    }
    expect(s[6].counts.stranded).toBeGreaterThan(0);
    expect(s[6].counts.missing_data).toBeGreaterThan(0);
    expect(s[0].counts.unreleased).toBeGreaterThan(0);
    expect(summariesForJson(s)[1]).toMatchObject({ time: "2016-02-01T13:00:00Z", counts: s[1].counts });
  });

  it("takes the centroid across the antimeridian and is null when nothing is afloat", () => {
    const t = syntheticTrajectory({ n: 2, hours: 1, withForcing: false });
    t.lon.set([179.9, -179.9, 179.9, -179.9]);
    t.status.set([0, 0, 1, 1]);
    const s = buildSnapshotSummaries(t);
    expect(Math.abs(s[0].centroidLon!)).toBeCloseTo(180, 9);
    expect(s[1].centroidLon).toBeNull();
    expect(s[1].stdEastKm).toBeNull();
    // One degree of latitude is about 111 km.
    expect(metresPerDegree(45).north).toBeCloseTo(111_132, -1);
  });
});
