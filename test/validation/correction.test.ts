// A drifter's current correction during a mission (issue 23 item 4): the bias source adds to what the current
// sources serve, specs accept it, and on the twin case (the drifter made with the ROMS Nordic currents, the
// forecast with Arctic20's) the corrected forecast is closer to the drifter 12 h on than the uncorrected one.
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { biasSource } from "../../src/core/bias-source.js";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { parseEnvelope, resolveJob } from "../../src/service/job.js";
import { reweightEnsemble } from "../../src/validation/correction.js";
import type { ObservedTrack } from "../../src/validation/track.js";
import { readTracks } from "../../src/validation/tracks/index.js";
import { validateTracks } from "../../src/validation/validate.js";
import { driftline } from "../helpers/cli.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, REFERENCE_DIR } from "../helpers/reference.js";

const SHARED = await have(
  "test/validation/correction.test.ts: ROMS Nordic and Arctic20 forcing",
  "shared-dir",
);
const tmp = (name: string) => mkdtemp(path.join(os.tmpdir(), `driftline-correct-${name}-`));

const slice = (t: ObservedTrack, from: number, to: number): ObservedTrack => ({
  ...t,
  times: t.times.slice(from, to),
  lon: t.lon.slice(from, to),
  lat: t.lat.slice(from, to),
});

describe("current correction from a drifter", () => {
  it("the bias adds to the particles the sources before it served, and only to those", () => {
    const u = Float64Array.of(0.1, 0, 0.3);
    const v = Float64Array.of(0, 0, -0.2);
    const need = Uint8Array.of(0, 1, 0);
    const b = biasSource(0.05, -0.02);
    b.sample(0, new Float64Array(3), new Float64Array(3), 3, need, u, v);
    expect(Array.from(u)).toEqual([0.1 + 0.05, 0, 0.3 + 0.05]);
    expect(Array.from(v)).toEqual([-0.02, 0, -0.2 - 0.02]);
    expect(Array.from(need)).toEqual([0, 1, 0]);
    expect(b.threadRecipe().revive).toBe("reviveBiasSource");
  });

  it("specs take {bias: {x, y}} in a current chain, with the current's speed limit", () => {
    const spec = {
      start_time: "2016-02-03T06:00:00Z",
      duration_hours: 1,
      seed: { lon: 13, lat: 67 },
      forcing: {
        wind: { constant: { x: 1, y: 0 } },
        current: [{ constant: { x: 0.1, y: 0 } }, { bias: { x: 0.05, y: -0.1 } }],
      },
    };
    expect(() => parseSimulationSpec(spec)).not.toThrow();
    expect(() =>
      parseSimulationSpec({ ...spec, forcing: { ...spec.forcing, current: [{ bias: { x: 500, y: 0 } }] } }),
    ).toThrow(/forcing\.current/);
  });

  it("a mission job's current_bias goes after the current sources (each ensemble member's too)", () => {
    const params = {
      latitude: 67.3,
      longitude: 13.05,
      start_time: "2016-02-03T06:00:00Z",
      duration_hours: 6,
      object_type: 26,
      current: { x: 0.1, y: 0 },
      current_bias: { x: -0.08, y: -0.07 },
    };
    const raw = (p: Record<string, unknown>) =>
      parseEnvelope(JSON.stringify({ mission_id: "9b2f0c1e-5d6a-4b7c-8d9e-0f1a2b3c4d5e", params: p }));
    const { spec } = resolveJob(raw(params), null, { catalog: true, maxParticleSteps: 1e9 });
    expect(spec.forcing.current).toEqual([
      { catalog: true },
      { constant: { x: 0.1, y: 0 } },
      { bias: { x: -0.08, y: -0.07 } },
    ]);
    expect(() => parseSimulationSpec(spec)).not.toThrow();
    const ensemble = resolveJob(
      raw({ ...params, forcing: { current: { ensemble: [{ files: ["a.nc"] }, [{ files: ["b.nc"] }]] } } }),
      null,
      { catalog: true, maxParticleSteps: 1e9 },
    ).spec.forcing.current;
    expect(ensemble).toEqual({
      ensemble: [
        [{ files: ["a.nc"] }, { bias: { x: -0.08, y: -0.07 } }],
        [{ files: ["b.nc"] }, { bias: { x: -0.08, y: -0.07 } }],
      ],
    });
  });

  it.runIf(SHARED)(
    "twin case: a bias estimated from the drifter's first 6 h brings the forecast closer 12 h later (CLI correct)",
    async () => {
      const base = JSON.parse(
        readFileSync(path.join(REFERENCE_DIR, "roms-nordic-public/scenario.json"), "utf8"),
      );
      // The drifter (SLDMB, no windage) with ROMS Nordic currents, 18 h from 13.05°E 67.3°N.
      const dir = await tmp("drifter");
      await runSimulationSpec(
        { ...base, object_type: 67, duration_hours: 18, seed: { ...base.seed, number: 1 } },
        { outDir: dir, forcingDir: FORCING_DIR, products: ["netcdf"], threads: 1 },
      );
      const [track] = await readTracks(path.join(dir, "particles.nc"));
      expect(track.times.length).toBe(19);
      // Reported during the search: its first 6 h. The forecast for it: Arctic20 currents.
      const reported = path.join(dir, "reported.csv");
      const past = slice(track, 0, 7);
      writeFileSync(
        reported,
        `time,lon,lat\n${Array.from(past.times, (t, i) => `${new Date(t * 1000).toISOString()},${past.lon[i]},${past.lat[i]}`).join("\n")}\n`,
      );
      const spec = {
        ...base,
        name: "arctic20",
        object_type: 67,
        duration_hours: 12,
        seed: { ...base.seed, number: 100 },
        forcing: { ...base.forcing, current: { files: ["Arctic20_1to5Feb_2016.nc"] } },
      };
      const specFile = path.join(dir, "spec.json");
      const outFile = path.join(dir, "corrected.json");
      writeFileSync(specFile, JSON.stringify(spec));
      const r = await driftline([
        "correct",
        specFile,
        "--drifter",
        reported,
        "--out",
        outFile,
        "--forcing-dir",
        FORCING_DIR,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const correction = JSON.parse(r.stdout);
      expect(correction.samples).toBe(36);
      expect(Math.hypot(correction.x, correction.y)).toBeGreaterThan(0.01);
      expect(Math.hypot(correction.x, correction.y)).toBeLessThan(0.5);
      const corrected = JSON.parse(readFileSync(outFile, "utf8"));
      expect(corrected.forcing.current).toEqual([
        { files: ["Arctic20_1to5Feb_2016.nc"] },
        { bias: { x: expect.any(Number), y: expect.any(Number) } },
      ]);
      // The next 12 h of the drifter against a forecast from its position at +6 h, without and with the bias.
      const future = slice(track, 6, 19);
      const at12 = async (s: Record<string, unknown>) => {
        const run = await validateTracks(s, [future], await tmp("v"), {
          forcingDir: FORCING_DIR,
          threads: 1,
        });
        return run.drifters[0].leads.find((l) => l.label === "12 h")!.centroidKm!;
      };
      const plain = await at12(spec);
      const better = await at12(corrected);
      console.log(
        `correction (${correction.x.toFixed(3)}, ${correction.y.toFixed(3)}) m/s from 6 h of drifter: separation at +12 h ${plain.toFixed(2)} km → ${better.toFixed(2)} km`,
      );
      expect(better).toBeLessThan(plain);
    },
    300_000,
  );

  it.runIf(SHARED)(
    "reweighting a current ensemble by the drifter: the member that made it takes the weight",
    async () => {
      const base = JSON.parse(
        readFileSync(path.join(REFERENCE_DIR, "roms-nordic-public/scenario.json"), "utf8"),
      );
      const dir = await tmp("reweight");
      await runSimulationSpec(
        { ...base, object_type: 67, duration_hours: 6, seed: { ...base.seed, number: 1 } },
        { outDir: dir, forcingDir: FORCING_DIR, products: ["netcdf"], threads: 1 },
      );
      const [track] = await readTracks(path.join(dir, "particles.nc"));
      const spec = {
        ...base,
        duration_hours: 12,
        forcing: {
          ...base.forcing,
          current: { ensemble: [{ files: ["Arctic20_1to5Feb_2016.nc"] }, { files: ["Nordic_subset.nc"] }] },
        },
      };
      const { members, spec: reweighted } = await reweightEnsemble(spec, track, {
        hours: 6,
        forcingDir: FORCING_DIR,
        scratchDir: dir,
      });
      console.log(
        `reweighting by a ROMS Nordic drifter, 6 h: ${members.map((m) => `member ${m.member} ${m.separationKm.toFixed(2)} km → ${m.weight.toFixed(3)}`).join(", ")}`,
      );
      expect(members[1].separationKm).toBeLessThan(0.01); // the member that made the drifter
      expect(members[0].separationKm).toBeGreaterThan(0.5);
      expect(members[1].weight).toBeGreaterThan(members[0].weight);
      expect(members[0].weight + members[1].weight).toBeCloseTo(1, 9);
      const weights = (reweighted.forcing as { current: { weights: number[] } }).current.weights;
      expect(weights[1]).toBeGreaterThan(weights[0]);
      expect(() => parseSimulationSpec(reweighted)).not.toThrow();
    },
    300_000,
  );
});
