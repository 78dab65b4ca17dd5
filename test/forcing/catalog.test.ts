// Catalog (directory index with cache, selection for a window), buildForcing chains, checkCoverage,
// the S3 layout of the platform, time series across files, and the `driftline forcing` command.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { run } from "../../src/cli/forcing.js";
import { scanCatalog, selectFromCatalog } from "../../src/forcing/catalog.js";
import {
  buildForcing,
  checkCoverage,
  ForcingCoverageError,
  ForcingFileError,
} from "../../src/forcing/index.js";
import { syncS3Forcing } from "../../src/forcing/s3.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import type { ObjectStorage } from "../../src/service/ports.js";
import { writeNc } from "./nc-writer.js";

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
const FILES = [
  "Arctic20_1to5Feb_2016.nc",
  "AROME_MetCoOp_00_DEF_20160114_subset.nc",
  "Nordic_subset.nc",
  "synthetic_wind_20160201_lonlat.nc",
];
const T12 = Date.UTC(2016, 1, 1, 12) / 1000;
const WINDOW = { start: T12, end: T12 + 86400, west: 12, east: 18, south: 68, north: 70 };

const tmp = mkdtempSync(join(tmpdir(), "driftline-cat-"));
const dir = join(tmp, "forcing");
const cacheFile = join(tmp, "index.json");
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  mkdirSync(join(dir, "sub"), { recursive: true });
  for (const f of FILES) symlinkSync(join(FORCING, f), join(dir, f === "Nordic_subset.nc" ? `sub/${f}` : f));
  writeFileSync(join(dir, "broken.nc"), readFileSync(join(FORCING, FILES[0])).subarray(0, 4000));
  writeFileSync(join(dir, "README.txt"), "forcing files for tests\n");
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const o = vi.spyOn(process.stdout, "write").mockImplementation((s: string | Uint8Array) => {
    out.push(String(s));
    return true;
  });
  const e = vi.spyOn(process.stderr, "write").mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  return {
    out,
    err,
    restore() {
      o.mockRestore();
      e.mockRestore();
    },
  };
}

describe("catalog", () => {
  it("indexes a directory from headers, caches the index and rereads only changed files", async () => {
    const c1 = await scanCatalog(dir, { cacheFile });
    expect(c1.scanned).toBe(5);
    expect(c1.indexFile).toBe(cacheFile);
    expect(c1.entries.map((e) => e.file).sort()).toEqual([
      "AROME_MetCoOp_00_DEF_20160114_subset.nc",
      "Arctic20_1to5Feb_2016.nc",
      "broken.nc",
      "sub/Nordic_subset.nc",
      "synthetic_wind_20160201_lonlat.nc",
    ]);
    const broken = c1.entries.find((e) => e.file === "broken.nc")!;
    expect(broken.error).toMatch(/truncated/);
    const arctic = c1.entries.find((e) => e.file.startsWith("Arctic20"))!;
    expect(arctic.vectors).toHaveLength(1);
    expect(arctic.vectors[0]).toMatchObject({
      kind: "current",
      u: "u",
      v: "v",
      timeSteps: 5,
      timeStart: T12,
    });
    expect(arctic.vectors[0].area.south).toBeCloseTo(65.05, 1);
    const c2 = await scanCatalog(dir, { cacheFile });
    expect(c2.scanned).toBe(0);
    expect(c2.entries).toEqual(c1.entries);
    utimesSync(join(dir, "broken.nc"), new Date(), new Date(Date.now() - 1000));
    const c3 = await scanCatalog(dir, { cacheFile });
    expect(c3.scanned).toBe(1);
  });

  it("selects the sources for a window, best first", async () => {
    const cat = await scanCatalog(dir, { cacheFile });
    // Nordic touches the window only at its last instant and southern edge: after Arctic20.
    expect(selectFromCatalog(cat, "current", WINDOW)).toEqual([
      [join(dir, "Arctic20_1to5Feb_2016.nc")],
      [join(dir, "sub/Nordic_subset.nc")],
    ]);
    expect(selectFromCatalog(cat, "wind", WINDOW)).toEqual([
      [join(dir, "synthetic_wind_20160201_lonlat.nc")],
    ]);
    // Off Vestfjorden on 3 Feb: Nordic (4 km) before Arctic20 (20 km).
    const w2 = { start: T12 + 86400, end: T12 + 2 * 86400, west: 13.5, east: 14.5, south: 67.3, north: 67.6 };
    expect(selectFromCatalog(cat, "current", w2)).toEqual([
      [join(dir, "sub/Nordic_subset.nc")],
      [join(dir, "Arctic20_1to5Feb_2016.nc")],
    ]);
    expect(
      selectFromCatalog(cat, "wind", { ...WINDOW, start: T12 - 30 * 86400, end: T12 - 29 * 86400 }),
    ).toEqual([]);
  });

  it("scans a thousand files in seconds", async () => {
    const many = join(tmp, "many");
    mkdirSync(many);
    for (let k = 0; k < 1000; k++) {
      writeNc(join(many, `f${k}.nc`), {
        dims: { time: 2, lat: 3, lon: 4 },
        vars: [
          {
            name: "time",
            dims: ["time"],
            type: "double",
            attrs: { units: `hours since 2016-02-01` },
            data: [k, k + 1],
          },
          {
            name: "lat",
            dims: ["lat"],
            type: "double",
            attrs: { units: "degrees_north" },
            data: [60, 61, 62],
          },
          {
            name: "lon",
            dims: ["lon"],
            type: "double",
            attrs: { units: "degrees_east" },
            data: [k % 10, 1 + (k % 10), 2 + (k % 10), 3 + (k % 10)],
          },
          {
            name: "u",
            dims: ["time", "lat", "lon"],
            type: "float",
            attrs: { standard_name: "eastward_wind" },
            data: () => 1,
          },
          {
            name: "v",
            dims: ["time", "lat", "lon"],
            type: "float",
            attrs: { standard_name: "northward_wind" },
            data: () => 1,
          },
        ],
      });
    }
    const t0 = performance.now();
    const cat = await scanCatalog(many, { cacheFile: join(tmp, "many.json") });
    const first = performance.now() - t0;
    const t1 = performance.now();
    await scanCatalog(many, { cacheFile: join(tmp, "many.json") });
    const again = performance.now() - t1;
    console.log(`catalog of 1000 files: first scan ${first.toFixed(0)} ms, rescan ${again.toFixed(0)} ms`);
    expect(cat.entries.filter((e) => !e.error && e.vectors.length === 1)).toHaveLength(1000);
    expect(first).toBeLessThan(20000);
    expect(again).toBeLessThan(5000);
  }, 60000);
});

describe("buildForcing and checkCoverage", () => {
  it("builds the arctic20 forcing from files, prepared for the window, with provenance", async () => {
    const { set, provenance } = await buildForcing(
      {
        wind: { files: ["synthetic_wind_20160201_lonlat.nc"] },
        current: { files: ["Arctic20_1to5Feb_2016.nc"] },
      },
      { forcingDir: FORCING, window: WINDOW },
    );
    expect(set.wind.map((s) => s.name)).toEqual(["synthetic_wind_20160201_lonlat.nc"]);
    expect(set.current.map((s) => s.name)).toEqual(["Arctic20_1to5Feb_2016.nc"]);
    expect(provenance).toEqual([
      expect.objectContaining({
        variable: "wind",
        name: "synthetic_wind_20160201_lonlat.nc",
        type: "file",
        grid: "lon/lat 81×41, 0.25°",
      }),
      expect.objectContaining({
        variable: "current",
        name: "Arctic20_1to5Feb_2016.nc",
        type: "file",
        projection: "+proj=stere +lat_0=90 +lon_0=58 +lat_ts=60 +ellps=WGS84",
        timeStart: "2016-02-01T12:00Z",
      }),
    ]);
    checkCoverage(set, 14.0, 68.9, T12);
    let error: unknown;
    try {
      checkCoverage(set, 3, 60, T12);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ForcingCoverageError);
    expect((error as Error).message).toBe(
      "no wind forcing covers 3.0E 60.0N at 2016-02-01T12:00Z: sources synthetic_wind_20160201_lonlat.nc cover lon 5..25 E, lat 64..74 N, 2016-02-01T00:00Z..2016-02-06T00:00Z",
    );
    expect(() => checkCoverage(set, 14, 68.9, T12 + 4 * 86400 + 3600)).toThrow(
      /^no current forcing covers 14\.0E 68\.9N at 2016-02-05T13:00Z: sources Arctic20_1to5Feb_2016\.nc cover lon -10\.99\.\.52\.44 E, lat 65\.05\.\.82\.56 N, 2016-02-01T12:00Z\.\.2016-02-05T12:00Z$/,
    );
  });

  it("chains sources by priority: catalog first, constant where nothing covers", async () => {
    const { set, provenance } = await buildForcing(
      {
        wind: [{ catalog: true }, { constant: { x: 0, y: -10 } }],
        current: [{ catalog: true }, { constant: { x: 0.2, y: 0 } }],
      },
      { forcingDir: dir, window: WINDOW, catalogCacheFile: cacheFile },
    );
    expect(set.current.map((s) => s.name)).toEqual([
      "Arctic20_1to5Feb_2016.nc",
      "Nordic_subset.nc",
      "constant 0.2,0 m/s",
    ]);
    expect(provenance.map((p) => `${p.variable}:${p.type}`)).toEqual([
      "wind:catalog",
      "wind:constant",
      "current:catalog",
      "current:catalog",
      "current:constant",
    ]);
    const lon = Float64Array.of(14, 3);
    const lat = Float64Array.of(68.9, 60);
    const need = Uint8Array.of(1, 1);
    const u = new Float64Array(2);
    const v = new Float64Array(2);
    for (const s of set.current) s.sample(T12 + 3600, lon, lat, 2, need, u, v);
    expect([...need]).toEqual([0, 0]);
    expect(u[1]).toBe(0.2);
    expect(u[0]).not.toBe(0.2);
    checkCoverage(set, 3, 60, T12);
    const none = await buildForcing({ wind: { constant: { x: 1, y: 1 } }, current: [] }, { window: WINDOW });
    expect(() => checkCoverage(none.set, 14, 68.9, T12)).toThrow(
      "no current forcing covers 14.0E 68.9N at 2016-02-01T12:00Z: no sources configured",
    );
  });

  it("joins files of one model along time", async () => {
    const parts = join(tmp, "parts");
    mkdirSync(parts);
    const f = await openNetcdf(join(FORCING, "synthetic_wind_20160201_lonlat.nc"));
    const lat = f.readAll("lat");
    const lon = f.readAll("lon");
    for (const [name, from, n] of [
      ["a.nc", 0, 61],
      ["b.nc", 60, 61],
    ] as const) {
      writeNc(join(parts, name), {
        dims: { time: n, lat: 41, lon: 81 },
        vars: [
          {
            name: "time",
            dims: ["time"],
            type: "double",
            attrs: { units: "hours since 2016-02-01 00:00:00" },
            data: (k) => from + k,
          },
          { name: "lat", dims: ["lat"], type: "double", attrs: { units: "degrees_north" }, data: lat },
          { name: "lon", dims: ["lon"], type: "double", attrs: { units: "degrees_east" }, data: lon },
          {
            name: "eastward_wind",
            dims: ["time", "lat", "lon"],
            type: "float",
            attrs: { standard_name: "eastward_wind" },
            data: f.read("eastward_wind", [from, 0, 0], [n, 41, 81]),
          },
          {
            name: "northward_wind",
            dims: ["time", "lat", "lon"],
            type: "float",
            attrs: { standard_name: "northward_wind" },
            data: f.read("northward_wind", [from, 0, 0], [n, 41, 81]),
          },
        ],
      });
    }
    f.close();
    const window = { ...WINDOW, start: T12 + 40 * 3600, end: T12 + 60 * 3600 };
    const joined = await buildForcing(
      { wind: { files: ["a.nc", "b.nc"] }, current: { constant: { x: 0, y: 0 } } },
      { forcingDir: parts, window },
    );
    const whole = await buildForcing(
      { wind: { files: ["synthetic_wind_20160201_lonlat.nc"] }, current: { constant: { x: 0, y: 0 } } },
      { forcingDir: FORCING, window },
    );
    expect(joined.set.wind).toHaveLength(1);
    expect(joined.set.wind[0].timeRange).toEqual(whole.set.wind[0].timeRange);
    const lons = Float64Array.of(10, 15.3, 20.1);
    const lats = Float64Array.of(66, 69.2, 72.9);
    for (const t of [T12 + 47.5 * 3600, T12 + 48 * 3600 + 600, T12 + 59.9 * 3600]) {
      const a = { u: new Float64Array(3), v: new Float64Array(3), need: new Uint8Array(3).fill(1) };
      const b = { u: new Float64Array(3), v: new Float64Array(3), need: new Uint8Array(3).fill(1) };
      joined.set.wind[0].sample(t, lons, lats, 3, a.need, a.u, a.v);
      whole.set.wind[0].sample(t, lons, lats, 3, b.need, b.u, b.v);
      expect([...a.u]).toEqual([...b.u]);
      expect([...a.v]).toEqual([...b.v]);
    }
  });

  it("rejects invalid specs and unusable named files", async () => {
    await expect(
      buildForcing({ wind: { files: [] }, current: { catalog: true } } as never, { window: WINDOW }),
    ).rejects.toThrow("forcing.wind.files: needs a non-empty list of file names");
    await expect(
      buildForcing({ wind: [{ constant: { x: 1 } }], current: [] } as never, { window: WINDOW }),
    ).rejects.toThrow("forcing.wind[0].constant: needs finite numbers x and y");
    await expect(
      buildForcing({ wind: { gfs: 1 }, current: [] } as never, { window: WINDOW }),
    ).rejects.toThrow("forcing.wind: expected {constant:{x,y}}, {files:[…]} or {catalog:true}");
    await expect(
      buildForcing(
        { wind: { files: ["Arctic20_1to5Feb_2016.nc"] }, current: [] },
        { forcingDir: FORCING, window: WINDOW },
      ),
    ).rejects.toThrow(ForcingFileError);
  });
});

/** ObjectStorage over a local directory: the real S3 adapter lives in src/service. */
function directoryStorage(root: string): ObjectStorage {
  return {
    async ensureBucket(bucket) {
      mkdirSync(join(root, bucket), { recursive: true });
    },
    async put(bucket, key, body) {
      mkdirSync(dirname(join(root, bucket, key)), { recursive: true });
      writeFileSync(join(root, bucket, key), body);
    },
    async get(bucket, key) {
      return new Uint8Array(readFileSync(join(root, bucket, key)));
    },
    async exists(bucket, key) {
      return existsSync(join(root, bucket, key));
    },
    async list(bucket, prefix) {
      const out: string[] = [];
      const walk = (d: string, rel: string) => {
        for (const n of readdirSync(d, { withFileTypes: true })) {
          if (n.isDirectory()) walk(join(d, n.name), `${rel}${n.name}/`);
          else if (`${rel}${n.name}`.startsWith(prefix)) out.push(`${rel}${n.name}`);
        }
      };
      if (existsSync(join(root, bucket))) walk(join(root, bucket), "");
      return out;
    },
    async delete(bucket, key) {
      rmSync(join(root, bucket, key), { force: true });
    },
    uri(bucket, key) {
      return `file://${join(root, bucket, key)}`;
    },
  };
}

describe("platform bucket environmental-data", () => {
  it("downloads the files a window can use into a cache, then the catalog uses them", async () => {
    const storage = directoryStorage(join(tmp, "s3"));
    const put = async (key: string, file: string) =>
      storage.put(
        "environmental-data",
        key,
        new Uint8Array(readFileSync(join(FORCING, file))),
        "application/x-netcdf",
      );
    await put("ocean-currents/2016/02/01/12/Arctic20_1to5Feb_2016.nc", FILES[0]);
    await put("wind/2016/02/01/00/synthetic_wind_20160201_lonlat.nc", FILES[3]);
    await put("wind/2015/01/01/00/old.nc", FILES[3]);
    await put("wind/notes.txt", FILES[3]);
    await put("waves/2016/02/01/00/waves.nc", FILES[3]);
    const cacheDir = join(tmp, "s3cache");
    const r1 = await syncS3Forcing(storage, { cacheDir, window: WINDOW });
    expect(r1.downloaded).toEqual([
      "ocean-currents/2016/02/01/12/Arctic20_1to5Feb_2016.nc",
      "wind/2016/02/01/00/synthetic_wind_20160201_lonlat.nc",
    ]);
    const r2 = await syncS3Forcing(storage, { cacheDir, window: WINDOW });
    expect(r2.downloaded).toEqual([]);
    expect(r2.cached).toHaveLength(2);
    const { set } = await buildForcing(
      { wind: { catalog: true }, current: { catalog: true } },
      { window: WINDOW, s3: { storage, cacheDir }, catalogCacheFile: join(tmp, "s3index.json") },
    );
    expect(set.wind.map((s) => s.name)).toEqual(["synthetic_wind_20160201_lonlat.nc"]);
    expect(set.current.map((s) => s.name)).toEqual(["Arctic20_1to5Feb_2016.nc"]);
    checkCoverage(set, 14, 68.9, T12);
  });
});

describe("driftline forcing", () => {
  it("inspect prints variables, grid, projection, area and time coverage", async () => {
    const c = capture();
    const code = await run(["inspect", join(FORCING, "Arctic20_1to5Feb_2016.nc")]);
    c.restore();
    expect(code).toBe(0);
    const text = c.out.join("");
    expect(text).toContain(
      "current: u, v (x_sea_water_velocity, y_sea_water_velocity), grid-relative, rotated to east/north",
    );
    expect(text).toContain("grid: polar stereographic 91×51, 20 km");
    expect(text).toContain(
      'projection: +proj=stere +lat_0=90 +lon_0=58 +lat_ts=60 +ellps=WGS84 (from CF grid_mapping "polar_stereographic")',
    );
    expect(text).toContain("time: 2016-02-01T12:00Z .. 2016-02-05T12:00Z, 5 steps, every 24 h");
    const j = capture();
    expect(await run(["inspect", join(FORCING, "Nordic_subset.nc"), "--json"])).toBe(0);
    j.restore();
    expect(JSON.parse(j.out.join("")).vectors[0]).toMatchObject({
      kind: "current",
      stagger: "roms",
      grid: "curvilinear 31×21 (lon_rho/lat_rho)",
    });
  });

  it("list prints the catalog; bad input gives exit codes", async () => {
    process.env.DRIFTLINE_CACHE_DIR = join(tmp, "clicache");
    try {
      const c = capture();
      const code = await run(["list", dir]);
      c.restore();
      expect(code).toBe(0);
      const lines = c.out.join("").trim().split("\n");
      expect(lines).toHaveLength(5);
      expect(lines.find((l) => l.startsWith("broken.nc"))).toMatch(
        /ERROR not a readable NetCDF file: .*truncated/,
      );
      expect(lines.find((l) => l.startsWith("sub/Nordic"))).toContain("current u/v\tcurvilinear 31×21");
      expect(c.err.join("")).toMatch(/5 file\(s\) in .*, 1 unusable/);
    } finally {
      delete process.env.DRIFTLINE_CACHE_DIR;
    }
    const b = capture();
    expect(await run(["inspect", join(dir, "broken.nc")])).toBe(1);
    expect(await run(["inspect", join(dir, "README.txt")])).toBe(1);
    expect(await run([])).toBe(2);
    expect(await run(["frobnicate"])).toBe(2);
    b.restore();
    expect(b.err.join("")).toMatch(/broken\.nc: not a readable NetCDF file: .*truncated/);
    expect(b.err.join("")).toMatch(/README\.txt: not a NetCDF file/);
  });
});
