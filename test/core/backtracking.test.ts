// A backward run (negative duration and step) with reversed wind and current retraces the forward run.
import { describe, expect, it } from "vitest";
import { constantSource } from "../../src/core/constant-source.js";
import { geodesicInverse } from "../../src/core/geodesy.js";
import { runSimulation } from "../../src/core/simulate.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";

function spec(direction: 1 | -1) {
  return {
    start_time: "2016-02-01T12:00:00Z",
    duration_hours: 24 * direction,
    time_step_seconds: 600 * direction,
    seed: { lon: 3, lat: 60, radius_m: 200, number: 500 },
    forcing: {
      wind: { constant: { x: 4 * direction, y: -10 * direction } },
      current: { constant: { x: 0.2 * direction, y: 0.05 * direction } },
    },
    jibe_probability: 0,
    coastline: "none",
  };
}

describe("backtracking", () => {
  it("ends within 1 m of the forward run, particle by particle", () => {
    const forward = parseSimulationSpec(spec(1));
    const backward = parseSimulationSpec(spec(-1));
    const f = runSimulation(forward.simulation, forward.category, {
      wind: [constantSource(4, -10)],
      current: [constantSource(0.2, 0.05)],
    }).trajectory;
    const b = runSimulation(backward.simulation, backward.category, {
      wind: [constantSource(-4, 10)],
      current: [constantSource(-0.2, -0.05)],
    }).trajectory;
    expect(b.times[b.times.length - 1]).toBe(f.times[0] - 86400);
    const last = f.times.length - 1;
    let worst = 0;
    for (let i = 0; i < f.n; i++) {
      const d = geodesicInverse(
        f.lat[last * f.n + i],
        f.lon[last * f.n + i],
        b.lat[last * b.n + i],
        b.lon[last * b.n + i],
      ).distM;
      worst = Math.max(worst, d);
    }
    expect(worst).toBeLessThan(1);
    // And it really moved: tens of kilometres.
    expect(geodesicInverse(60, 3, f.lat[last * f.n], f.lon[last * f.n]).distM).toBeGreaterThan(10_000);
  });
});
