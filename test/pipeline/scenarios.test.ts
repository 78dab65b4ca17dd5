// Weighted scenarios: the spec, the split of particles, each scenario's particles those of its own run, the
// weights in the density, and the same bytes on any number of threads.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { sliceTrajectory as slice } from "../../src/core/trajectory-merge.js";
import { buildForcing } from "../../src/forcing/index.js";
import { landMaskRecipe } from "../../src/pipeline/run.js";
import { coveringSimulation, runScenarioSimulations } from "../../src/pipeline/scenario-run.js";
import { splitParticles } from "../../src/pipeline/scenarios.js";
import { parseSimulationSpec, SpecError } from "../../src/pipeline/spec.js";
import { prepareLandmaskFor, reachableWindow } from "../../src/pipeline/window.js";
import { computeDensity } from "../../src/products/density.js";
import { buildSnapshotSummaries } from "../../src/products/summary.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";
import { expectSameBytes } from "../helpers/trajectory-bytes.js";

type Spec = Record<string, unknown> & {
  seed: Record<string, unknown>;
  scenarios?: Record<string, unknown>[];
};
const reference = (name: string): Spec => JSON.parse(readFileSync(`${SCENARIO_DIR}${name}.json`, "utf8"));

/** arctic20 (real forcing, stranding) as a two-scenario mission: a person in water, or the raft drifting. */
function arcticMission(number: number, hours: number): Spec {
  const spec = reference("arctic20");
  spec.duration_hours = hours;
  spec.seed = { number };
  spec.scenarios = [
    {
      name: "person in water",
      weight: 0.6,
      object_type: "PIW-1",
      release: { lon: 14.0, lat: 68.9, radius_m: 3000 },
    },
    {
      name: "raft along the track",
      weight: 0.4,
      object_type: "LIFE-RAFT-DB-10",
      release: {
        lon: [13.7, 14.0],
        lat: [68.95, 68.9],
        time: ["2016-02-01T12:00:00Z", "2016-02-01T14:00:00Z"],
        radius_m: 500,
      },
    },
  ];
  return spec;
}

async function runMission(spec: Spec, threads = 1) {
  const parsed = parseSimulationSpec(spec);
  if (!parsed.scenarios) throw new Error("no scenarios");
  const reach = coveringSimulation(parsed.scenarios);
  const { set } = await buildForcing(spec.forcing as never, {
    forcingDir: FORCING_DIR,
    window: reachableWindow(reach),
  });
  const landmask = parsed.simulation.coastline === "none" ? null : await prepareLandmaskFor(reach);
  const result = await runScenarioSimulations(parsed.scenarios, set, {
    landmask,
    landmaskRecipe: landmask ? landMaskRecipe(landmask) : undefined,
    threads,
    threadThreshold: 0,
  });
  return { parsed, result };
}

const specIssues = (spec: unknown): string[] => {
  try {
    parseSimulationSpec(spec);
  } catch (e) {
    if (e instanceof SpecError) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
};

describe("scenario specs", () => {
  it("split the particles in proportion to the weights, at least one each, weights normalised", () => {
    expect(splitParticles(1000, [3, 1])).toEqual([750, 250]);
    expect(splitParticles(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitParticles(3, [1000, 1, 1])).toEqual([1, 1, 1]);
    const { scenarios, simulation, category } = parseSimulationSpec(arcticMission(1001, 6));
    expect(scenarios?.map((s) => s.weight)).toEqual([0.6, 0.4]);
    expect(scenarios?.map((s) => s.simulation.release.number)).toEqual([601, 400]);
    expect(scenarios?.map((s) => s.category.key)).toEqual(["PIW-1", "LIFE-RAFT-DB-10"]);
    expect(scenarios?.map((s) => s.simulation.randomSeed)).toEqual([0, 1]);
    // Each scenario's particles weigh its share of the mission whatever the rounding.
    for (const s of scenarios ?? [])
      expect(s.particleWeight * s.simulation.release.number).toBeCloseTo(s.weight * 1001, 9);
    expect(simulation.release.number).toBe(1001);
    expect(category.key).toBe("PIW-1");
  });

  it("leave a spec without scenarios as it was", () => {
    const { scenarios, simulation } = parseSimulationSpec(reference("arctic20"));
    expect(scenarios).toBeUndefined();
    expect(simulation.release.lon).toEqual([14, 14]);
  });

  it("name each wrong field", () => {
    const spec = arcticMission(1000, 6);
    const [a, b] = spec.scenarios as { release: Record<string, unknown>; [k: string]: unknown }[];
    a.object_type = "BANANA";
    b.release = {
      polygon: [
        [13, 68],
        [14, 68],
        [13.5, 69],
      ],
      lon: 13,
    };
    expect(specIssues(spec)).toEqual([
      expect.stringMatching(/^scenarios\.0\.object_type: /),
      "scenarios.1.release.lon: not used with a polygon: give one or the other",
    ]);
    b.release = { lat: 68.9, time: "2016-03-01T00:00:00Z" };
    b.name = "person in water";
    expect(specIssues(spec)).toEqual(
      expect.arrayContaining([
        'scenarios.1.name: "person in water" is the name of an earlier scenario',
        "scenarios.1.release.time: must lie within the simulated period",
        "scenarios.1.release.lon: required (or give a polygon)",
      ]),
    );
    expect(specIssues({ ...arcticMission(1, 6) })).toEqual([
      "seed.number: must be at least the number of scenarios (2)",
    ]);
    expect(specIssues({ ...arcticMission(10, 6), seed: { lon: 3, number: 10 } })).toEqual([
      "seed.lon: give it in each scenario's release when there are scenarios",
    ]);
    expect(specIssues({ ...reference("arctic20"), seed: { lat: 60 } })).toEqual([
      "seed.lon: required (or give scenarios)",
    ]);
    const thin = arcticMission(10, 6);
    (thin.scenarios as Record<string, unknown>[])[1].release = {
      polygon: [
        [13, 68],
        [14, 68],
        [15, 68],
      ],
    };
    expect(specIssues(thin)).toEqual([
      "scenarios.1.release.polygon: must enclose an area (its vertices lie on a line)",
    ]);
    expect(specIssues({ ...arcticMission(10, 6), scenarios: [] })).toEqual([
      "scenarios: must hold at least one scenario",
    ]);
  });
});

describe("scenario runs", () => {
  it("give each scenario the particles of its own one-scenario run (arctic20, stranding)", async () => {
    const mission = arcticMission(1500, 6);
    const { parsed, result } = await runMission(mission);
    const t = result.trajectory;
    const [na, nb] = parsed.scenarios!.map((s) => s.simulation.release.number);
    expect(na + nb).toBe(t.n);
    expect(Array.from(new Set(t.scenario.subarray(0, na)))).toEqual([0]);
    expect(Array.from(new Set(t.scenario.subarray(na)))).toEqual([1]);

    // Scenario 0 alone, written as the single-release spec of old: the same particles.
    const legacy = reference("arctic20");
    legacy.duration_hours = 6;
    legacy.object_type = "PIW-1";
    legacy.seed = { lon: 14.0, lat: 68.9, radius_m: 3000, number: na };
    const { simulation, category } = parseSimulationSpec(legacy);
    const { set } = await buildForcing(legacy.forcing as never, {
      forcingDir: FORCING_DIR,
      window: reachableWindow(simulation),
    });
    const { runSimulation } = await import("../../src/core/simulate.js");
    const alone0 = runSimulation(simulation, category, set, {
      landmask: await prepareLandmaskFor(simulation),
    });
    expectSameBytes(alone0.trajectory, slice(t, 0, na));

    // Scenario 1 alone: a one-scenario mission with its particle count and random_seed + 1.
    const only1: Spec = {
      ...mission,
      seed: { number: nb },
      random_seed: 1,
      scenarios: [mission.scenarios![1]],
    };
    const alone1 = await runMission(only1);
    expectSameBytes(alone1.result.trajectory, slice(t, na, na + nb));

    // The raft's line release: released between 12:00 and 14:00 (to the microsecond).
    expect(t.releaseTime[na + nb - 1] - t.releaseTime[na]).toBeCloseTo(7200, 3);
  }, 180_000);

  it("give the same bytes on one and two threads", async () => {
    const one = await runMission(arcticMission(4000, 4), 1);
    const two = await runMission(arcticMission(4000, 4), 2);
    expect(two.result.threads).toBe(2);
    expectSameBytes(one.result.trajectory, two.result.trajectory);
    expect(Buffer.from(two.result.trajectory.weight.buffer)).toEqual(
      Buffer.from(one.result.trajectory.weight.buffer),
    );
    expect(Buffer.from(two.result.trajectory.scenario.buffer)).toEqual(
      Buffer.from(one.result.trajectory.scenario.buffer),
    );
  }, 180_000);

  it("put 75 ± 2 % of the probability around the first of a 0.75/0.25 two-position mission", async () => {
    const spec = reference("const");
    spec.coastline = "none";
    spec.seed = { number: 4000 };
    spec.scenarios = [
      { name: "west", weight: 3, release: { lon: 3.0, lat: 60.0, radius_m: 3000 } },
      {
        name: "east",
        weight: 1,
        object_type: "LIFE-RAFT-DB-10",
        release: { lon: 3.8, lat: 60.0, radius_m: 3000 },
      },
    ];
    const { parsed, result } = await runMission(spec);
    const t = result.trajectory;
    const grids = computeDensity({
      simulation: parsed.simulation,
      specJson: "{}",
      category: parsed.category,
      trajectory: t,
      summaries: buildSnapshotSummaries(t),
      forcing: [],
      densityCellM: 1000,
      softwareVersion: "test",
    });
    // Last time: the share of the probability in cells nearer the first cloud's centre than the second's.
    const k = t.times.length - 1;
    const centre = (s: number) => {
      let x = 0;
      let c = 0;
      for (let i = 0; i < t.n; i++) {
        if (t.scenario[i] !== s) continue;
        x += t.lon[k * t.n + i];
        c++;
      }
      return x / c;
    };
    const [west, east] = [centre(0), centre(1)];
    const cells = grids.nx * grids.ny;
    let near = 0;
    for (let c = 0; c < cells; c++) {
      if (Math.abs(grids.lon[c] - west) < Math.abs(grids.lon[c] - east)) near += grids.weight[k * cells + c];
    }
    const share = near / grids.afloatWeight[k];
    expect(share).toBeGreaterThan(0.73);
    expect(share).toBeLessThan(0.77);
    expect(parsed.scenarios!.map((s) => s.simulation.release.number)).toEqual([3000, 1000]);
  }, 120_000);

  it("release a polygon scenario uniformly inside the polygon", async () => {
    const spec = reference("const");
    spec.coastline = "none";
    spec.duration_hours = 1;
    spec.seed = { number: 4000 };
    // A right triangle: the half west of its middle longitude holds 3/4 of its area.
    spec.scenarios = [
      {
        name: "area",
        release: {
          polygon: [
            [3, 60],
            [3.4, 60],
            [3, 60.2],
          ],
        },
      },
    ];
    const { result } = await runMission(spec);
    const t = result.trajectory;
    let west = 0;
    for (let i = 0; i < t.n; i++) {
      const lon = t.lon[i];
      const lat = t.lat[i];
      expect(lon >= 3 && lat >= 60 && (lon - 3) / 0.4 + (lat - 60) / 0.2 <= 1 + 1e-6).toBe(true);
      if (lon < 3.2) west++;
    }
    expect(west / t.n).toBeGreaterThan(0.72);
    expect(west / t.n).toBeLessThan(0.78);
  }, 60_000);

  it("join trajectories when compiled by tsc as well (dist/, what the installed command runs)", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "trajectory-merge-"));
    const tsc = fileURLToPath(new URL("../../node_modules/typescript/bin/tsc", import.meta.url));
    const source = fileURLToPath(new URL("../../src/core/trajectory-merge.ts", import.meta.url));
    const options = ["--ignoreConfig", "--outDir", out, "--module", "nodenext", "--target", "es2022"];
    execFileSync(process.execPath, [tsc, source, ...options]);
    const file = path.join(out, "trajectory-merge.js");
    const compiled = await import(pathToFileURL(file).href);
    const spec = reference("const");
    spec.duration_hours = 1;
    spec.seed = { number: 4 };
    spec.scenarios = [{ release: { lon: 3, lat: 60 } }, { release: { lon: 3.1, lat: 60 } }];
    const { result } = await runMission(spec);
    const part = (from: number, to: number) => slice(result.trajectory, from, to);
    const joined = compiled.concatTrajectories([part(0, 2), part(2, 4)]);
    expectSameBytes(joined, result.trajectory);
    expect(Array.from(compiled.sliceTrajectory(joined, 2, 4).lon)).toEqual(Array.from(part(2, 4).lon));
  }, 60_000);

  it("run backwards too, each scenario released over its window back in time", async () => {
    const spec = reference("const");
    spec.coastline = "none";
    spec.duration_hours = -6;
    spec.time_step_seconds = -600;
    spec.seed = { number: 400 };
    spec.scenarios = [
      { name: "found here", release: { lon: 3, lat: 60 } },
      {
        name: "or there, earlier",
        object_type: "LIFE-RAFT-DB-10",
        release: { lon: 3.1, lat: 60, time: ["2016-02-01T11:00:00Z", "2016-02-01T10:00:00Z"] },
      },
    ];
    const { result } = await runMission(spec);
    const t = result.trajectory;
    expect(t.times[t.times.length - 1] - t.times[0]).toBe(-6 * 3600);
    expect(new Set(t.scenario)).toEqual(new Set([0, 1]));
    expect(t.releaseTime[t.n - 1]).toBeCloseTo(Date.parse("2016-02-01T10:00:00Z") / 1000, 3);
    // Forward-ordered windows are refused for a backward run.
    (spec.scenarios[1].release as Record<string, unknown>).time = [
      "2016-02-01T10:00:00Z",
      "2016-02-01T11:00:00Z",
    ];
    expect(specIssues(spec)).toEqual([
      "scenarios.1.release.time: must be in the direction of the run (end after start, or before it when backtracking)",
    ]);
  }, 60_000);
});
