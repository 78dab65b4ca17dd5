// Particle-by-particle comparison with OpenDrift's Leeway on the `const` reference scenario.
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { constantSource } from "../../src/core/constant-source.js";
import { geodesicInverse } from "../../src/core/geodesy.js";
import { allocateParticles } from "../../src/core/particles.js";
import { LegacyRandom } from "../../src/core/rng.js";
import { seedParticles } from "../../src/core/seeding.js";
import { runSimulation, type SimulationResult } from "../../src/core/simulate.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { have } from "../helpers/needs.js";
import { type ReferenceRun, readReferenceRun, SCENARIO_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/core/reference-const.test.ts: the const scenario against OpenDrift's run in ../shared",
  "shared-dir",
);

let ref: ReferenceRun;
let result: SimulationResult;

beforeAll(async () => {
  ref = await readReferenceRun("const_N1000_24h_dt10min_full.nc", [
    "lon",
    "lat",
    "downwind_eps",
    "crosswind_eps",
    "crosswind_slope",
    "orientation",
  ]);
  const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}const.json`, "utf8"));
  const { simulation, category } = parseSimulationSpec(spec);
  result = runSimulation(simulation, category, {
    wind: [constantSource(0, -10)],
    current: [constantSource(0.2, 0)],
  });
});

describe.runIf(SHARED)("const scenario against OpenDrift", () => {
  it("records the same output times", () => {
    expect(Array.from(result.trajectory.times)).toEqual(Array.from(ref.time));
  });

  it("draws exactly the reference's per-particle coefficients (float32, as the reference stores them)", () => {
    const { simulation, category } = parseSimulationSpec(
      JSON.parse(readFileSync(`${SCENARIO_DIR}const.json`, "utf8")),
    );
    const p = allocateParticles(ref.n);
    seedParticles(p, simulation.release, category, new LegacyRandom(0));
    for (let i = 0; i < ref.n; i++) {
      const k = i * ref.nt;
      expect(p.dwEps[i]).toBe(ref.vars.downwind_eps[k]);
      expect(p.cwEps[i]).toBe(ref.vars.crosswind_eps[k]);
      expect(p.cwSlope[i]).toBe(ref.vars.crosswind_slope[k]);
      expect(p.orientation[i]).toBe(ref.vars.orientation[k]);
    }
  });

  it("puts every particle within 20 m of OpenDrift's position at every output time", () => {
    const t = result.trajectory;
    let worst = 0;
    for (let k = 0; k < ref.nt; k++) {
      for (let i = 0; i < ref.n; i++) {
        const d = geodesicInverse(
          ref.vars.lat[i * ref.nt + k],
          ref.vars.lon[i * ref.nt + k],
          t.lat[k * t.n + i],
          t.lon[k * t.n + i],
        ).distM;
        worst = Math.max(worst, d);
      }
    }
    // Measured: 0.43 m, the float32 rounding of the reference's positions.
    expect(worst).toBeLessThan(20);
    expect(worst).toBeLessThan(1);
  });

  it("jibes the same particles (orientation at every output time)", () => {
    const t = result.trajectory;
    let differ = 0;
    for (let k = 0; k < ref.nt; k++) {
      for (let i = 0; i < ref.n; i++)
        if (ref.vars.orientation[i * ref.nt + k] !== t.orientation[k * t.n + i]) differ++;
    }
    expect(differ).toBe(0);
  });
});
