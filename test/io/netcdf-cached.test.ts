// NetCDF-4 files decoded once into the disk cache (io/netcdf/cached.ts): the cached copy answers every read
// exactly as the HDF5 reader does, a changed file gets a new entry, and a later process needs no h5wasm.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheEntryPath, openCachedNetcdf } from "../../src/io/netcdf/cached.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { Hdf5Netcdf } from "../../src/io/netcdf/read-hdf5.js";
import type { NetcdfFile } from "../../src/io/netcdf/types.js";
import { writeNetcdf4 } from "../../src/io/netcdf/write-hdf5.js";
import { ROOT } from "../helpers/cli.js";
import { FORCING_DIR, SCENARIO_DIR } from "../helpers/reference.js";

const WIND = path.join(FORCING_DIR, "synthetic_wind_20160201_lonlat.nc");
const tmp = mkdtempSync(path.join(os.tmpdir(), "driftline-nc-cache-"));
const cache = path.join(tmp, "cache");
let before: string | undefined;
beforeAll(() => {
  before = process.env.DRIFTLINE_CACHE_DIR;
  process.env.DRIFTLINE_CACHE_DIR = cache;
});
afterAll(() => {
  if (before === undefined) delete process.env.DRIFTLINE_CACHE_DIR;
  else process.env.DRIFTLINE_CACHE_DIR = before;
  rmSync(tmp, { recursive: true, force: true });
});

/** Everything a reader sees of a file: dimensions, attributes, variables, and some slabs of each. */
function view(f: NetcdfFile): unknown {
  const attrs = (m: ReadonlyMap<string, { type: string; value: unknown }>) =>
    [...m.values()].map((a) => JSON.stringify(a, (_, x) => (typeof x === "number" ? String(x) : x)));
  return {
    format: f.format,
    dims: f.dims,
    attrs: attrs(f.attrs),
    variables: [...f.variables.values()].map((v) => ({
      ...v,
      attrs: attrs(v.attrs),
      all: Array.from(f.readAll(v.name), String),
      // A slab inside: from index 1 on, up to 2 along each dimension (rows not whole).
      slab: Array.from(
        f.read(
          v.name,
          v.shape.map((n) => Math.min(1, n - 1)),
          v.shape.map((n) => Math.min(2, n - Math.min(1, n - 1))),
        ),
        String,
      ),
    })),
  };
}

describe("NetCDF-4 decoded into the disk cache", () => {
  it("reads arctic20's wind exactly as the HDF5 reader does", async () => {
    const entry = cacheEntryPath(WIND)!;
    rmSync(entry, { force: true });
    const direct = await Hdf5Netcdf.open(WIND);
    const first = await openNetcdf(WIND);
    expect(existsSync(entry)).toBe(true);
    const cached = openCachedNetcdf(WIND)!;
    expect(cached).not.toBeNull();
    expect(view(cached)).toEqual(view(direct));
    // The forcing's read pattern: one time, a box of the grid.
    const u = (f: NetcdfFile) => Array.from(f.read("eastward_wind", [7, 3, 10], [1, 20, 30]));
    expect(u(cached)).toEqual(u(direct));
    for (const f of [direct, first, cached]) f.close();
  });

  it("keeps every type, fill values, non-finite and negative-zero attributes, scalars", async () => {
    const file = path.join(tmp, "types.nc");
    await writeNetcdf4(file, {
      dimensions: { t: 3, y: 4, x: 5 },
      attributes: { title: "types", nan: Number.NaN, inf: { type: "float", values: [Infinity, -0, 1.5] } },
      variables: [
        {
          name: "b",
          type: "byte",
          dims: ["t", "y", "x"],
          data: Array.from({ length: 60 }, (_, k) => (k % 200) - 100),
        },
        {
          name: "s",
          type: "short",
          dims: ["t", "y", "x"],
          attributes: { _FillValue: { type: "short", values: [-32767] }, scale_factor: 0.01 },
          data: Array.from({ length: 60 }, (_, k) => (k === 7 ? -32767 : k * 300 - 9000)),
        },
        { name: "i", type: "int", dims: ["y", "x"], data: Array.from({ length: 20 }, (_, k) => k * 1e6) },
        { name: "f", type: "float", dims: ["x"], data: [0.1, Number.NaN, -0, 1e30, -2.5] },
        { name: "d", type: "double", dims: [], data: [Math.PI] },
      ],
    });
    const direct = await Hdf5Netcdf.open(file);
    (await openNetcdf(file)).close();
    const cached = openCachedNetcdf(file)!;
    expect(cached).not.toBeNull();
    expect(view(cached)).toEqual(view(direct));
    expect(() => cached.read("s", [0, 0, 0], [4, 1, 1])).toThrow(/t 0\.\.3 outside 0\.\.2/);
    // A changed file is a different entry.
    const entry = cacheEntryPath(file);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(cacheEntryPath(file)).not.toBe(entry);
    expect(openCachedNetcdf(file)).toBeNull();
    for (const f of [direct, cached]) f.close();
  });

  it("lets a later process read the file without h5wasm", async () => {
    const spec = JSON.parse(readFileSync(`${SCENARIO_DIR}arctic20.json`, "utf8"));
    spec.duration_hours = 3;
    spec.seed.number = 200;
    const file = path.join(tmp, "arctic20-small.json");
    writeFileSync(file, JSON.stringify(spec));
    const list = path.join(tmp, "modules.txt");
    const run = () =>
      promisify(execFile)(
        process.execPath,
        [
          "--import",
          "tsx",
          "--import",
          "./test/helpers/record-modules.mjs",
          "src/cli/main.ts",
          ...["simulate", file, "--out", path.join(tmp, "out"), "--products", "netcdf"],
          ...["--forcing-dir", path.dirname(WIND)],
        ],
        { cwd: ROOT, env: { ...process.env, DRIFTLINE_CACHE_DIR: cache, RECORD_MODULES: list } },
      );
    await run(); // decodes the wind into the cache, if the first test has not
    rmSync(list, { force: true });
    const { stdout } = await run();
    expect(stdout).toMatch(/200 particles, 4 output times/);
    expect(readFileSync(list, "utf8")).not.toMatch(/node_modules\/h5wasm\//);
  }, 120_000);
});
