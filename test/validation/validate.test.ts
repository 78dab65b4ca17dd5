// `driftline validate` end to end (issue 23 item 2) on real runs: the perfect model (the observation is the one
// particle of a run, read from its particles.nc) gives separation 0 and SS 1, against the run and as a hindcast;
// that particle moved 1 km north gives 1 km; and a twin experiment (drifters made with the ROMS Nordic currents,
// forecast with Arctic20's) gives finite, sensible figures, one row per drifter and a total, a PNG and a PDF.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { geodesicDirect } from "../../src/core/geodesy.js";
import { runSimulationSpec } from "../../src/pipeline/run.js";
import { parseSimulationSpec } from "../../src/pipeline/spec.js";
import { runValidation } from "../../src/validation/index.js";
import { readTracks } from "../../src/validation/tracks/index.js";
import { hindcastSpec } from "../../src/validation/validate.js";
import { driftline } from "../helpers/cli.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, REFERENCE_DIR } from "../helpers/reference.js";

const SHARED = await have("test/validation/validate.test.ts: ROMS Nordic and Arctic20 forcing", "shared-dir");
const SLOW = 300_000;
const tmp = (name: string) => mkdtemp(path.join(os.tmpdir(), `driftline-validate-${name}-`));

/** The ROMS Nordic reference scenario (life raft, 13.05°E 67.3°N, 2016-02-03T06Z), shortened. */
function romsSpec(number: number, hours: number): Record<string, unknown> {
  const spec = JSON.parse(readFileSync(path.join(REFERENCE_DIR, "roms-nordic-public/scenario.json"), "utf8"));
  spec.seed.number = number;
  spec.duration_hours = hours;
  return spec;
}

async function observe(spec: Record<string, unknown>): Promise<string> {
  const dir = await tmp("observed");
  await runSimulationSpec(spec, { outDir: dir, forcingDir: FORCING_DIR, products: ["netcdf"], threads: 1 });
  return dir;
}

describe("hindcast spec", () => {
  it("moves the release to the first fix and runs as long as the track, scenarios too", () => {
    const track = {
      id: "d",
      times: Float64Array.of(1454479200, 1454479200 + 5.5 * 3600),
      lon: Float64Array.of(13.1, 13.2),
      lat: Float64Array.of(67.2, 67.3),
    };
    const base = {
      name: "m",
      start_time: "2016-02-01T00:00:00Z",
      duration_hours: 48,
      seed: { lon: 1, lat: 2, time: "2016-02-01T00:00:00Z", radius_m: 300, number: 100 },
      forcing: { wind: { constant: { x: 1, y: 0 } }, current: { constant: { x: 0, y: 0 } } },
    };
    const plain = hindcastSpec(base, track);
    expect(plain).toMatchObject({ start_time: "2016-02-03T06:00:00.000Z", duration_hours: 6 });
    expect(plain.seed).toEqual({ lon: 13.1, lat: 67.2, radius_m: 300, number: 100 });
    expect(() => parseSimulationSpec(plain)).not.toThrow();
    const withScenarios = hindcastSpec(
      {
        ...base,
        seed: { number: 100 },
        scenarios: [
          { name: "raft", object_type: 26, weight: 0.6, release: { lon: 1, lat: 2, radius_m: 500 } },
          {
            name: "PIW",
            object_type: 1,
            weight: 0.4,
            release: {
              polygon: [
                [1, 2],
                [1.1, 2],
                [1, 2.1],
              ],
            },
          },
        ],
      },
      track,
    );
    expect(withScenarios.seed).toEqual({ number: 100 });
    expect((withScenarios.scenarios as { release: unknown }[]).map((s) => s.release)).toEqual([
      { lon: 13.1, lat: 67.2, radius_m: 500 },
      { lon: 13.1, lat: 67.2 },
    ]);
    expect(() => parseSimulationSpec(withScenarios)).not.toThrow();
  });
});

describe.runIf(SHARED)("driftline validate", () => {
  it(
    "perfect model: the run's own particle gives 0 km and SS 1, against the run and as a hindcast; 1 km north gives 1 km",
    async () => {
      const spec = romsSpec(1, 12);
      const runDir = await observe(spec);
      const observed = path.join(runDir, "particles.nc");

      const own = await runValidation({
        observed,
        resultDir: runDir,
        outDir: await tmp("own"),
        tablesOnly: true,
      });
      const v = own.run.drifters[0];
      expect(v.points.length).toBe(13);
      for (const p of v.points) expect(p.centroidKm).toBeLessThan(1e-3);
      expect(v.skillCentroid.ss).toBeGreaterThan(0.9999);
      expect(v.hitRates["50"].rate).toBe(1);

      const hindcast = await runValidation({
        spec,
        observed,
        outDir: await tmp("hind"),
        forcingDir: FORCING_DIR,
        tablesOnly: true,
      });
      expect(hindcast.run.mode).toBe("hindcast");
      for (const p of hindcast.run.drifters[0].points) expect(p.centroidKm).toBeLessThan(1e-3);
      expect(hindcast.run.drifters[0].skillCentroid.ss).toBeGreaterThan(0.9999);

      // The same track 1 km north, as CSV with 8 decimals (≈ 1 mm).
      const [track] = await readTracks(observed);
      const rows = ["time,lon,lat"];
      for (let i = 0; i < track.times.length; i++) {
        const p = geodesicDirect(track.lat[i], track.lon[i], 0, 1000);
        rows.push(`${new Date(track.times[i] * 1000).toISOString()},${p.lon.toFixed(8)},${p.lat.toFixed(8)}`);
      }
      const csv = path.join(await tmp("csv"), "moved.csv");
      writeFileSync(csv, `${rows.join("\n")}\n`);
      const moved = await runValidation({
        observed: csv,
        resultDir: runDir,
        outDir: await tmp("moved"),
        tablesOnly: true,
      });
      const m = moved.run.drifters[0];
      // Fixes are the output times, so no interpolation between them: 1 km to within float32 positions (~1 m).
      for (const p of m.points) expect(Math.abs(p.centroidKm! - 1)).toBeLessThan(2e-3);
      for (const l of m.leads) expect(Math.abs(l.centroidKm! - 1)).toBeLessThan(2e-3);
      expect(m.skillCentroid.s).toBeGreaterThan(0);
    },
    SLOW,
  );

  it(
    "twin experiment: drifters made with ROMS Nordic currents, forecast with Arctic20 — CLI, one row per drifter and a total, PNG and PDF",
    async () => {
      // Three drifters: a 1 km release circle of the ROMS run, 12 h.
      const obsSpec = romsSpec(3, 12);
      (obsSpec.seed as Record<string, unknown>).radius_m = 1000;
      const obsDir = await observe(obsSpec);
      const fcSpec = romsSpec(300, 12);
      fcSpec.name = "arctic20 currents";
      (fcSpec.forcing as Record<string, unknown>).current = { files: ["Arctic20_1to5Feb_2016.nc"] };
      const specFile = path.join(await tmp("spec"), "forecast.json");
      writeFileSync(specFile, JSON.stringify(fcSpec));
      const out = await tmp("twin");
      const r = await driftline([
        "validate",
        specFile,
        "--observed",
        path.join(obsDir, "particles.nc"),
        "--forcing-dir",
        FORCING_DIR,
        "--out",
        out,
        "--threads",
        "1",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/3 drifter\(s\) compared/);
      const json = JSON.parse(readFileSync(path.join(out, "validation.json"), "utf8"));
      expect(json.drifters).toHaveLength(3);
      for (const d of json.drifters) {
        const at12 = d.leads.find((l: { label: string }) => l.label === "12 h");
        expect(at12.centroidKm).toBeGreaterThan(0.5); // different currents drift apart…
        expect(at12.centroidKm).toBeLessThan(60); // …but not absurdly in 12 h
        expect(Number.isFinite(d.skillCentroid.s)).toBe(true);
        expect(d.skillCentroid.ss).toBeGreaterThanOrEqual(0);
        expect(d.skillCentroid.ss).toBeLessThanOrEqual(1);
        expect(d.meanRank).toBeGreaterThanOrEqual(0);
        expect(d.meanRank).toBeLessThanOrEqual(1);
        for (const p of ["50", "90", "95"]) expect(d.hitRates[p].n).toBe(12);
        // Bigger areas hold the drifter at least as often.
        expect(d.hitRates["95"].hits).toBeGreaterThanOrEqual(d.hitRates["50"].hits);
      }
      const csv = readFileSync(path.join(out, "validation.csv"), "utf8").trim().split("\n");
      expect(csv).toHaveLength(5); // header, 3 drifters, total
      expect(csv[4]).toMatch(/^total,/);
      expect(json.total.hitRates["90"].n).toBe(36);
      const mean12 =
        json.drifters.reduce(
          (a: number, d: { leads: { label: string; centroidKm: number }[] }) =>
            a + d.leads.find((l) => l.label === "12 h")!.centroidKm,
          0,
        ) / 3;
      expect(json.total.leads.find((l: { label: string }) => l.label === "12 h").centroidKm).toBeCloseTo(
        mean12,
        3,
      );
      for (let n = 1; n <= 3; n++) {
        expect(
          readFileSync(path.join(out, `validation-${n}.png`))
            .subarray(1, 4)
            .toString(),
        ).toBe("PNG");
      }
      const pdf = readFileSync(path.join(out, "validation.pdf"));
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect((pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length).toBe(4); // totals + 3 drifters
      console.log(`twin ROMS Nordic → Arctic20, 12 h: ${r.stdout.split("\n").slice(0, 6).join(" | ")}`);
    },
    SLOW,
  );

  it(
    "errors name the file and what is allowed",
    async () => {
      const out = await tmp("bad");
      const bad = path.join(out, "bad.csv");
      writeFileSync(bad, "time,lon,lat\nnot-a-time,1,2\n");
      const r = await driftline(["validate", "--result", out, "--observed", bad, "--out", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/bad\.csv: line 2: time "not-a-time"/);
      writeFileSync(bad, "time,lon,lat\n2016-02-03T06:00Z,1,2\n2016-02-03T07:00Z,1,2\n");
      const none = await driftline(["validate", "--result", out, "--observed", bad, "--out", out]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no particles\.nc/);
      expect(existsSync(path.join(out, "validation.json"))).toBe(false);
    },
    SLOW,
  );
});
