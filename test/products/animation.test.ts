// The animated GIF weighs its particles (scenarios and ensembles weigh them): a particle of weight 2 draws as
// two particles of weight 1 at the same place, and only relative weights matter.
import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";
import { renderAnimationGif } from "../../src/products/animation.js";
import type { MapInput } from "../../src/products/map-input.js";
import { makeFixture } from "./pictures-fixture.js";
import { duplicated } from "./synthetic.js";

const withWeights = (input: MapInput, t: Trajectory, weight: (i: number) => number): MapInput => ({
  ...input,
  ctx: {
    ...input.ctx,
    trajectory: { ...t, weight: Float64Array.from({ length: t.n }, (_, i) => weight(i)) },
  },
});

describe("renderAnimationGif weighs the particles", () => {
  const input = makeFixture({ n: 300, hours: 6 });
  // Particle n + i is a copy of particle i, at the same place at every time.
  const twice = duplicated(input.ctx.trajectory, () => true);
  const opts = { width: 480, height: 360 };

  it("draws a particle of weight 2 as two of weight 1 at the same place", async () => {
    const ones = await renderAnimationGif(
      withWeights(input, twice, () => 1),
      opts,
    );
    const merged = await renderAnimationGif(
      withWeights(input, twice, (i) => (i < input.ctx.trajectory.n ? 2 : 0)),
      opts,
    );
    expect(Buffer.compare(Buffer.from(merged), Buffer.from(ones))).toBe(0);
  });

  it("depends on relative weights only, and changes when they differ", async () => {
    const t = input.ctx.trajectory;
    const ones = await renderAnimationGif(
      withWeights(input, t, () => 1),
      opts,
    );
    const scaled = await renderAnimationGif(
      withWeights(input, t, () => 0.25),
      opts,
    );
    expect(Buffer.compare(Buffer.from(scaled), Buffer.from(ones))).toBe(0);
    const uneven = await renderAnimationGif(
      withWeights(input, t, (i) => (i % 3 === 0 ? 5 : 1)),
      opts,
    );
    expect(Buffer.compare(Buffer.from(uneven), Buffer.from(ones))).not.toBe(0);
  });
});
