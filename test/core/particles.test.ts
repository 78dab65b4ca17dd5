import { describe, expect, it } from "vitest";
import { allocateParticles, particleView } from "../../src/core/particles.js";
import { allocateTrajectory } from "../../src/core/step.js";
import { Status } from "../../src/core/types.js";

describe("particles", () => {
  for (const shared of [false, true]) {
    it(`start unreleased, of weight 1 and member 0 (${shared ? "shared" : "plain"} memory)`, () => {
      const p = allocateParticles(37, shared);
      expect(Array.from(p.status)).toEqual(new Array(37).fill(Status.unreleased));
      expect(Array.from(p.weight)).toEqual(new Array(37).fill(1));
      expect(Array.from(p.member)).toEqual(new Array(37).fill(0));
      // The other arrays start at zero: the weights' fill does not spill into a neighbour.
      expect(p.currentV.every((v) => v === 0)).toBe(true);
      expect(p.capsized.every((v) => v === 0)).toBe(true);
    });
  }

  it("views and trajectories carry each particle's weight and member", () => {
    const p = allocateParticles(10);
    for (let i = 0; i < 10; i++) {
      p.weight[i] = 0.5 + i;
      p.member[i] = i % 3;
    }
    const v = particleView(p, 4, 8);
    expect(Array.from(v.weight)).toEqual([4.5, 5.5, 6.5, 7.5]);
    expect(Array.from(v.member)).toEqual([1, 2, 0, 1]);
    const t = allocateTrajectory(10, 3, p, false, false);
    expect(Array.from(t.weight)).toEqual(Array.from(p.weight));
    expect(Array.from(t.member)).toEqual(Array.from(p.member));
    p.weight[0] = 99;
    expect(t.weight[0]).toBe(0.5); // a copy: the run's weights as they were at the start
  });
});
