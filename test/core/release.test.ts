// Release schedule and positions: the cone-fishing reference (a line release over a time window).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { constantSource } from "../../src/core/constant-source.js";
import { geodesicInverse } from "../../src/core/geodesy.js";
import { allocateParticles } from "../../src/core/particles.js";
import { LegacyRandom } from "../../src/core/rng.js";
import { seedParticles } from "../../src/core/seeding.js";
import { runSimulation } from "../../src/core/simulate.js";
import { Status } from "../../src/core/types.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { parseLeewayAscii } from "../helpers/leeway-ascii.js";
import { have } from "../helpers/needs.js";
import { REFERENCE_DIR, SCENARIO_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/core/release.test.ts: the cone-fishing release against the reference in ../shared",
  "shared-dir",
);

const coneSpec = () => ({
  ...JSON.parse(readFileSync(`${SCENARIO_DIR}cone-fishing.json`, "utf8")),
  coastline: "none",
});

describe("release", () => {
  const blocks = !SHARED ? [] : parseLeewayAscii(`${REFERENCE_DIR}leewayrun_cone_fishing_ascii.txt`);

  it.runIf(SHARED)("releases the same number of particles at each output time as the reference", () => {
    const { simulation, category } = parseSimulationSpec(coneSpec());
    const { trajectory: t } = runSimulation(simulation, category, {
      wind: [constantSource(0, 10)],
      current: [constantSource(0, 0)],
    });
    let before = 0;
    for (let k = 0; k < t.times.length; k++) {
      let released = 0;
      for (let i = 0; i < t.n; i++) if (t.status[k * t.n + i] !== Status.unreleased) released++;
      expect(released - before, `output ${k}`).toBe(blocks[k].nowSeeded);
      expect(released).toBe(blocks[k].seededSoFar);
      before = released;
    }
  });

  it.runIf(SHARED)("places each particle where the reference does when it is released", () => {
    const { simulation, category } = parseSimulationSpec(coneSpec());
    const p = allocateParticles(100);
    seedParticles(p, simulation.release, category, new LegacyRandom(0));
    let checked = 0;
    for (const block of blocks) {
      for (const q of block.particles) {
        if (q.age !== 0) continue;
        expect(p.lon[q.id - 1]).toBeCloseTo(q.lon, 4);
        expect(p.lat[q.id - 1]).toBeCloseTo(q.lat, 4);
        expect(geodesicInverse(p.lat[q.id - 1], p.lon[q.id - 1], q.lat, q.lon).distM).toBeLessThan(1);
        checked++;
      }
    }
    expect(checked).toBe(100);
  });

  it("spreads a gaussian radius with the requested standard deviation", () => {
    const { simulation, category } = parseSimulationSpec({
      start_time: "2020-01-01T00:00:00Z",
      duration_hours: 1,
      seed: { lon: 5, lat: 60, radius_m: 1000, number: 20000 },
      forcing: { wind: { constant: { x: 0, y: 0 } }, current: { constant: { x: 0, y: 0 } } },
    });
    const p = allocateParticles(20000);
    seedParticles(p, simulation.release, category, new LegacyRandom(1));
    let sumN = 0;
    let sumN2 = 0;
    for (let i = 0; i < p.n; i++) {
      const north = (p.lat[i] - 60) * 111_412;
      sumN += north;
      sumN2 += north * north;
    }
    const std = Math.sqrt(sumN2 / p.n - (sumN / p.n) ** 2);
    expect(std).toBeGreaterThan(970);
    expect(std).toBeLessThan(1030);
  });

  it("keeps a uniform radius inside the disc", () => {
    const { simulation, category } = parseSimulationSpec({
      start_time: "2020-01-01T00:00:00Z",
      duration_hours: 1,
      seed: { lon: 5, lat: 60, radius_m: 500, radius_type: "uniform", number: 5000 },
      forcing: { wind: { constant: { x: 0, y: 0 } }, current: { constant: { x: 0, y: 0 } } },
    });
    const p = allocateParticles(5000);
    seedParticles(p, simulation.release, category, new LegacyRandom(3));
    let outside = 0;
    let inner = 0;
    for (let i = 0; i < p.n; i++) {
      const d = geodesicInverse(60, 5, p.lat[i], p.lon[i]).distM;
      if (d > 500.01) outside++;
      if (d < 250) inner++;
    }
    expect(outside).toBe(0);
    // Uniform over the area: a quarter of the particles within half the radius.
    expect(inner / p.n).toBeGreaterThan(0.22);
    expect(inner / p.n).toBeLessThan(0.28);
  });
});
