// The API's particle cloud (/results/particles) read from particles.nc: counts are particles, shares weigh
// them by particles.nc's `weight` as summary.json does, and each sampled particle carries its weight.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { writeParticlesNetcdf } from "../../src/products/particles-nc.js";
import { statusShares } from "../../src/products/summary.js";
import { particleCloudFromFile } from "../../src/service/api/particle-cloud.js";
import { syntheticContext, syntheticTrajectory } from "../products/synthetic.js";
import { tempDir } from "../products/tools.js";

describe("particleCloudFromFile", () => {
  it("weighs the shares by particles.nc's weight, as summary.json's shares, and gives each sample's weight", async () => {
    const t = syntheticTrajectory({ n: 40, hours: 12, coastLon: 4.57, missingEvery: 7 });
    for (let i = 0; i < t.n; i++) t.weight[i] = i % 4 === 0 ? 3 : 0.5;
    const file = path.join(tempDir(), "weighted.nc");
    await writeParticlesNetcdf(syntheticContext(t), file);
    const cloud = await particleCloudFromFile(file, 10);
    expect(cloud.weight).toHaveLength(10);
    // The sample takes particle floor(k * n / sample): 0, 4, 8 … all weigh 3.
    expect(cloud.weight).toEqual(Array.from({ length: 10 }, () => 3));
    let strandedSomewhere = false;
    for (let k = 0; k < t.times.length; k++) {
      const shares = statusShares(t, k);
      expect(cloud.shares[k].active).toBeCloseTo(shares.active, 12);
      expect(cloud.shares[k].stranded).toBeCloseTo(shares.stranded, 12);
      expect(cloud.shares[k].missingData).toBeCloseTo(shares.missing_data, 12);
      if (cloud.counts[k].stranded > 0) strandedSomewhere = true;
    }
    expect(strandedSomewhere).toBe(true);
    // Weights differ, so shares are not counts over the particle count.
    const last = t.times.length - 1;
    expect(cloud.shares[last].active).not.toBeCloseTo(cloud.counts[last].active / t.n, 3);
  });

  it("weighs every particle 1 without a weight variable: shares are counts over the particle count", async () => {
    const t = syntheticTrajectory({ n: 25, hours: 6, coastLon: 4.57 });
    const file = path.join(tempDir(), "plain.nc");
    await writeParticlesNetcdf(syntheticContext(t), file);
    const cloud = await particleCloudFromFile(file, 2000);
    expect(cloud.weight).toEqual(Array.from({ length: 25 }, () => 1));
    cloud.counts.forEach((c, k) => {
      expect(cloud.shares[k].active).toBeCloseTo(c.active / 25, 12);
      expect(cloud.shares[k].stranded).toBeCloseTo(c.stranded / 25, 12);
    });
  });
});
