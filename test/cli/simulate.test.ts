// `driftline simulate` as a user runs it: a real process, real files, exit codes.
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPositionDM } from "../../src/products/coordinates.js";
import { driftline, ROOT } from "../helpers/cli.js";
import { have } from "../helpers/needs.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";

const READERS = await have(
  "test/cli/simulate.test.ts: particles.nc opened by ncdump, xarray and netCDF4",
  "ncdump",
  "python-netcdf4",
);

const run = promisify(execFile);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "driftline-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("driftline simulate", () => {
  it.runIf(READERS)(
    "runs the const scenario into particles.nc and summary.json that independent readers open",
    async () => {
      const out = path.join(dir, "const");
      const r = await driftline([
        "simulate",
        `${SCENARIO_DIR}const.json`,
        "--out",
        out,
        "--products",
        "netcdf,summary",
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^1000 particles, 25 output times/);
      const summary = JSON.parse(readFileSync(path.join(out, "summary.json"), "utf8"));
      expect(summary.snapshots).toHaveLength(25);
      // The CLI writes positions with the products' (and the page's) degrees-minutes formatter.
      const areas = summary.searchAreas[summary.searchAreas.length - 1];
      expect(r.stdout).toContain(
        `most likely position at 2016-02-02T12:00:00Z: ${formatPositionDM(areas.mostLikelyLon, areas.mostLikelyLat)}`,
      );
      const last = summary.snapshots[24];
      // runs_table.md: OpenDrift's final centroid 3.30913 E 59.91777 N, spread 8.61 × 9.06 km.
      expect(last.centroidLon).toBeCloseTo(3.30913, 3);
      expect(last.centroidLat).toBeCloseTo(59.91777, 3);
      // (The table converts degrees to km with its own factor: spreads agree within 1 %.)
      expect(Math.abs(last.stdEastKm / 8.61 - 1)).toBeLessThan(0.015);
      expect(Math.abs(last.stdNorthKm / 9.06 - 1)).toBeLessThan(0.015);
      expect(last.counts.active).toBe(1000);
      const nc = path.join(out, "particles.nc");
      const { stdout: header } = await run("ncdump", ["-h", nc]);
      expect(header).toMatch(/featureType = "trajectory"/);
      expect(header).toMatch(/trajectory = 1000 ;/);
      const { stdout: py } = await run("/usr/bin/python3", [
        "-c",
        `import xarray as xr, netCDF4 as nc4\nds = xr.open_dataset("${nc}")\nprint(ds.time.values[0], ds.lon.shape, str(ds.status.attrs["flag_meanings"]))\nf = nc4.Dataset("${nc}")\nprint(f.variables["lat"][0, 0])`,
      ]);
      expect(py).toMatch(/^2016-02-01T12:00:00/);
      expect(py).toMatch(/\(1000, 25\) active stranded missing_data/);
    },
  );

  it.each([
    ["a latitude out of range", { seed: { lat: 95 } }, /seed\.lat: must be between -90 and 90/],
    [
      "an unknown object type",
      { object_type: "zeppelin" },
      /object_type: unknown object type.*driftline object-types/,
    ],
    ["zero duration", { duration_hours: 0 }, /duration_hours: must not be zero/],
    ["an output step not a multiple of the time step", { output_step_seconds: 1000 }, /output_step_seconds/],
    ["an unknown field", { wind_speed: 3 }, /unknown field\(s\) wind_speed/],
  ])("exits 2 and names the field for %s", async (_name, change, message) => {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}const.json`, "utf8"));
    const merged = {
      ...spec,
      ...change,
      seed: { ...spec.seed, ...((change as { seed?: object }).seed ?? {}) },
    };
    const file = path.join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(merged));
    const r = await driftline(["simulate", file, "--out", path.join(dir, "bad")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it("exits 2 for a spec that is not JSON and for a missing spec file", async () => {
    const file = path.join(dir, "broken.json");
    await writeFile(file, "{ not json");
    expect((await driftline(["simulate", file, "--out", dir])).code).toBe(2);
    const missing = await driftline(["simulate", path.join(dir, "nope.json"), "--out", dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read spec/);
  });

  it("exits 1 with the forcing problem when no forcing covers the release", async () => {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.seed.lon = -30;
    spec.seed.lat = 10;
    const file = path.join(dir, "nowhere.json");
    await writeFile(file, JSON.stringify(spec));
    const r = await driftline([
      "simulate",
      file,
      "--out",
      path.join(dir, "nowhere"),
      "--forcing-dir",
      FORCING_DIR,
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no (wind|current) forcing covers 30\.0W 10\.0N/);
    expect(existsSync(path.join(dir, "nowhere", "particles.nc"))).toBe(false);
  });

  it("exits within 3 s of printing its summary after a 20,000-particle run (no timer or thread left behind)", async () => {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.seed.number = 20_000;
    spec.duration_hours = 48;
    const file = path.join(dir, "arctic20-20k.json");
    await writeFile(file, JSON.stringify(spec));
    const args = ["--import", "tsx", "src/cli/main.ts", "simulate", file, "--out", path.join(dir, "a20k")];
    args.push("--products", "netcdf", "--forcing-dir", FORCING_DIR);
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let summaryAt = 0;
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (!summaryAt && /20000 particles, 49 output times/.test(stdout)) summaryAt = performance.now();
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    const afterSummary = performance.now() - summaryAt;
    expect(code, stderr).toBe(0);
    expect(summaryAt, stderr).toBeGreaterThan(0);
    // An upper bound against hangs (a pending 5-s race timer once kept this process alive), not a speed target.
    expect(afterSummary).toBeLessThan(3000);
  }, 240_000);

  it("lists the object types as text and JSON", async () => {
    const text = await driftline(["object-types"]);
    expect(text.stdout).toMatch(/Persons in water/);
    expect(text.stdout).toMatch(/85 {2}MED-WASTE-7/);
    const json = JSON.parse((await driftline(["object-types", "--json"])).stdout);
    expect(json).toHaveLength(85);
    expect(json[0].commonNames).toContain("person in water");
  });
});
