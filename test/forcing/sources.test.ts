// Gridded sources on the real forcing files: OpenDrift's recorded forcing of the arctic20 run, the
// synthetic wind formula, AROME (Lambert), Nordic (ROMS native), NetCDF-4 vs classic copies, and
// small generated grids for 0–360 longitudes, descending latitudes, global wrap, land fill, Mercator,
// rotated pole and the polar-stereographic vector rotation.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForcingSource } from "../../src/core/types.js";
import { readDecoded } from "../../src/forcing/cf.js";
import type { GriddedSource } from "../../src/forcing/gridded-source.js";
import { openVectorSources } from "../../src/forcing/netcdf-format.js";
import { gridNorthAzimuth, makeProjector } from "../../src/forcing/projection.js";
import { openNetcdf } from "../../src/io/netcdf/open.js";
import { have } from "../helpers/needs.js";
import { REFERENCE_DIR } from "../helpers/reference.js";
import { f32, i16, writeNc } from "./nc-writer.js";

const FORCING = fileURLToPath(new URL("../../data-bundled/forcing/", import.meta.url));
const RECORDED = await have(
  "test/forcing/sources.test.ts: arctic20 against OpenDrift's recorded forcing",
  "shared-dir",
);
const NCCOPY = await have("test/forcing/sources.test.ts: NetCDF-4 and classic copies (nccopy)", "ncdump");
const tmp = mkdtempSync(join(tmpdir(), "driftline-src-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const T0 = Date.UTC(2016, 1, 1) / 1000; // synthetic wind t_h = 0
const ARCTIC_WINDOW = {
  start: T0 + 12 * 3600,
  end: T0 + 36 * 3600,
  west: 12,
  east: 18,
  south: 68,
  north: 70,
};

async function one(path: string, kind: "wind" | "current"): Promise<GriddedSource> {
  const [s] = await openVectorSources([path], kind);
  return s;
}

/** Samples a source at n points; returns u, v and need. */
function sampleAt(src: ForcingSource, t: number, lons: number[], lats: number[]) {
  const n = lons.length;
  const u = new Float64Array(n);
  const v = new Float64Array(n);
  const need = new Uint8Array(n).fill(1);
  src.sample(t, Float64Array.from(lons), Float64Array.from(lats), n, need, u, v);
  return { u, v, need };
}

function syntheticWind(lon: number, lat: number, t: number): [number, number] {
  const th = (t - T0) / 3600;
  const speed =
    10 +
    4 * Math.sin((2 * Math.PI * th) / 36) * Math.cos((Math.PI * (lat - 69)) / 10) +
    2 * Math.sin((2 * Math.PI * (lon - 5)) / 20);
  const dir = ((90 + 60 * Math.sin((2 * Math.PI * th) / 48) + 2 * (lat - 69)) * Math.PI) / 180;
  return [speed * Math.sin(dir), speed * Math.cos(dir)];
}

function quantiles(d: number[]): { max: number; median: number } {
  const s = [...d].sort((a, b) => a - b);
  return { max: s[s.length - 1], median: s[s.length >> 1] };
}

describe.runIf(RECORDED)("arctic20: OpenDrift's recorded forcing", () => {
  it("is reproduced particle by particle at the recorded positions and times", async () => {
    const current = await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current");
    const wind = await one(`${FORCING}synthetic_wind_20160201_lonlat.nc`, "wind");
    await current.prepare(ARCTIC_WINDOW);
    await wind.prepare(ARCTIC_WINDOW);
    const ref = await openNetcdf(`${REFERENCE_DIR}arctic20_N1000_24h_dt10min_full.nc`);
    const N = ref.dims.find((d) => d.name === "trajectory")!.size;
    const T = ref.dims.find((d) => d.name === "time")!.size;
    const lon = ref.readAll("lon");
    const lat = ref.readAll("lat");
    const time = ref.readAll("time");
    const rec = Object.fromEntries(
      ["x_wind", "y_wind", "x_sea_water_velocity", "y_sea_water_velocity"].map((k) => [k, ref.readAll(k)]),
    );
    ref.close();
    const diffs: Record<string, number[]> = { current: [], wind: [] };
    // The last output holds the forcing of the step before (OpenDrift does not sample after the last move).
    for (let k = 0; k < T - 1; k++) {
      const lons = Array.from({ length: N }, (_, i) => lon[i * T + k]);
      const lats = Array.from({ length: N }, (_, i) => lat[i * T + k]);
      for (const [name, src, xk, yk] of [
        ["current", current, "x_sea_water_velocity", "y_sea_water_velocity"],
        ["wind", wind, "x_wind", "y_wind"],
      ] as const) {
        const { u, v, need } = sampleAt(src, time[k], lons, lats);
        for (let i = 0; i < N; i++) {
          expect(need[i]).toBe(0);
          diffs[name].push(Math.hypot(u[i] - rec[xk][i * T + k], v[i] - rec[yk][i * T + k]));
        }
      }
    }
    const c = quantiles(diffs.current);
    const w = quantiles(diffs.wind);
    console.log(
      `arctic20 vs OpenDrift: current max ${c.max.toExponential(2)} median ${c.median.toExponential(2)} m/s; wind max ${w.max.toExponential(2)} median ${w.median.toExponential(2)} m/s`,
    );
    // The reference positions are float32 (±0.4 m at 69°N), which alone explains ~1e-5 m/s.
    expect(c.max).toBeLessThan(5e-5);
    expect(c.median).toBeLessThan(1e-5);
    expect(w.max).toBeLessThan(1e-5);
    expect(w.median).toBeLessThan(2e-6);
  });
});

describe("prepare", () => {
  it("reads only the window's fields and sub-area, and reads more when particles go beyond", async () => {
    const src = await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current");
    const ref = await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current");
    await src.prepare(ARCTIC_WINDOW);
    const f = src.field!;
    expect(f.times.length).toBe(2);
    expect(f.nx).toBeLessThan(30);
    expect(f.ny).toBeLessThan(30);
    // Beyond the window in space, then in time: served, and equal to a source that read everything.
    for (const [t, lo, la] of [
      [T0 + 20 * 3600, 30, 75],
      [T0 + 100 * 3600, 14.2, 69],
    ]) {
      const a = sampleAt(src, t, [lo], [la]);
      const b = sampleAt(ref, t, [lo], [la]);
      expect(a.need[0]).toBe(0);
      expect(a.u[0]).toBe(b.u[0]);
      expect(a.v[0]).toBe(b.v[0]);
    }
    expect(src.field!.nx).toBe(91);
    expect(src.field!.times.length).toBeGreaterThan(2);
  });

  it("gives the same numbers whether the two times are blended per cell (many particles) or per particle", async () => {
    const src = await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current");
    const t = T0 + 17.25 * 3600; // between two fields
    const n = 20_000; // more particles than grid cells: the sampler blends the fields once per cell
    const lons = Array.from({ length: n }, (_, i) => 12 + (6 * ((i * 7919) % n)) / n);
    const lats = Array.from({ length: n }, (_, i) => 68 + (2 * i) / n);
    const many = sampleAt(src, t, lons, lats);
    let checked = 0;
    for (let i = 0; i < n; i += 997) {
      const single = sampleAt(src, t, [lons[i]], [lats[i]]); // one particle: blended per particle
      expect(single.need[0]).toBe(many.need[i]);
      if (single.need[0] === 1) continue;
      expect(single.u[0]).toBe(many.u[i]);
      expect(single.v[0]).toBe(many.v[i]);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("prepares a curvilinear (ROMS) grid for a window", async () => {
    const src = (await openVectorSources([`${FORCING}Nordic_subset.nc`], "current"))[0] as ForcingSource;
    const ref = (await openVectorSources([`${FORCING}Nordic_subset.nc`], "current"))[0] as ForcingSource;
    const t = Date.UTC(2016, 1, 3) / 1000;
    await src.prepare!({ start: t, end: t + 6 * 3600, west: 13.8, east: 14.2, south: 67.3, north: 67.5 });
    const lons = [13.9, 14.0, 14.1];
    const lats = [67.35, 67.4, 67.45];
    const a = sampleAt(src, t + 3600, lons, lats);
    const b = sampleAt(ref, t + 3600, lons, lats);
    expect([...a.need]).toEqual([0, 0, 0]);
    expect([...a.u]).toEqual([...b.u]);
    expect([...a.v]).toEqual([...b.v]);
  });
});

describe("synthetic lon/lat wind", () => {
  let wind: GriddedSource;
  beforeAll(async () => {
    wind = await one(`${FORCING}synthetic_wind_20160201_lonlat.nc`, "wind");
  });

  it("gives the formula exactly (to float32) at grid nodes and field times", () => {
    const lons: number[] = [];
    const lats: number[] = [];
    for (let i = 0; i <= 80; i += 7)
      for (let j = 0; j <= 40; j += 5) {
        lons.push(5 + 0.25 * i);
        lats.push(64 + 0.25 * j);
      }
    for (const h of [0, 7, 30, 120]) {
      const t = T0 + h * 3600;
      const { u, v, need } = sampleAt(wind, t, lons, lats);
      lons.forEach((lo, k) => {
        const [eu, ev] = syntheticWind(lo, lats[k], t);
        expect(need[k]).toBe(0);
        expect(Math.abs(u[k] - Math.fround(eu))).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(v[k] - Math.fround(ev))).toBeLessThanOrEqual(1e-6);
      });
    }
  });

  it("stays within the interpolation error at arbitrary points and times", () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const lons = Array.from({ length: 2000 }, () => 5 + 20 * rnd());
    const lats = Array.from({ length: 2000 }, () => 64 + 10 * rnd());
    let worst = 0;
    for (const h of [0.5, 13.25, 47.9, 119.99]) {
      const t = T0 + h * 3600;
      const { u, v } = sampleAt(wind, t, lons, lats);
      lons.forEach((lo, k) => {
        const [eu, ev] = syntheticWind(lo, lats[k], t);
        worst = Math.max(worst, Math.hypot(u[k] - eu, v[k] - ev));
      });
    }
    // Bilinear on 0.25° plus linear over 1 h: the formula's curvature bounds the error to a few cm/s.
    expect(worst).toBeLessThan(0.05);
  });

  it("serves nobody outside its area or time range", () => {
    const { need } = sampleAt(wind, T0 + 3600, [4.9, 25.1, 10, 10], [65, 65, 63.9, 74.1]);
    expect([...need]).toEqual([1, 1, 1, 1]);
    expect([...sampleAt(wind, T0 - 1, [10], [65]).need]).toEqual([1]);
    expect([...sampleAt(wind, T0 + 120 * 3600 + 1, [10], [65]).need]).toEqual([1]);
    expect([...sampleAt(wind, T0 + 120 * 3600, [25], [74]).need]).toEqual([0]); // corners are inside
  });
});

describe.runIf(NCCOPY)("NetCDF-4 and classic copies", () => {
  it("give identical samples (nccopy -k nc4 -d 4 and nccopy -k classic)", async () => {
    const nc4 = join(tmp, "arctic20.nc4");
    const nc3 = join(tmp, "synthetic.nc3");
    execFileSync("nccopy", ["-k", "nc4", "-d", "4", `${FORCING}Arctic20_1to5Feb_2016.nc`, nc4]);
    execFileSync("nccopy", ["-k", "classic", `${FORCING}synthetic_wind_20160201_lonlat.nc`, nc3]);
    const pairs: [GriddedSource, GriddedSource][] = [
      [await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current"), await one(nc4, "current")],
      [await one(`${FORCING}synthetic_wind_20160201_lonlat.nc`, "wind"), await one(nc3, "wind")],
    ];
    const lons = Array.from({ length: 500 }, (_, i) => 6 + (i % 25) * 0.7);
    const lats = Array.from({ length: 500 }, (_, i) => 65 + Math.floor(i / 25) * 0.3);
    for (const [a, b] of pairs) {
      for (const t of [T0 + 12 * 3600, T0 + 40 * 3600 + 600, T0 + 96 * 3600]) {
        const ra = sampleAt(a, t, lons, lats);
        const rb = sampleAt(b, t, lons, lats);
        expect([...rb.need]).toEqual([...ra.need]);
        expect([...rb.u]).toEqual([...ra.u]);
        expect([...rb.v]).toEqual([...ra.v]);
        expect(ra.need.filter((x) => x === 0).length).toBeGreaterThan(300);
      }
    }
  });
});

describe("AROME (Lambert conformal, x/y in m)", () => {
  it("places the file's lon/lat at its x/y and rotates grid winds to east/north", async () => {
    const path = `${FORCING}AROME_MetCoOp_00_DEF_20160114_subset.nc`;
    const src = await one(path, "wind");
    expect(src.grid.kind).toBe("projected");
    const f = await openNetcdf(path);
    const lon = readDecoded(f, "longitude");
    const lat = readDecoded(f, "latitude");
    const x = readDecoded(f, "x");
    const y = readDecoded(f, "y");
    const xw = f.read("x_wind_10m", [1, 0, 0], [1, 151, 141]);
    const yw = f.read("y_wind_10m", [1, 0, 0], [1, 151, 141]);
    f.close();
    const p = makeProjector(src.grid.kind === "projected" ? src.grid.projection : (null as never));
    const xy = new Float64Array(2);
    let worst = 0;
    for (let k = 0; k < lon.length; k += 97) {
      p.forward(lon[k], lat[k], xy);
      worst = Math.max(worst, Math.hypot(xy[0] - x[k % 141], xy[1] - y[Math.floor(k / 141)]));
    }
    expect(worst).toBeLessThan(0.01);
    // At nodes: the grid vector turned by the meridian convergence n·(λ−λ0), n = sin 63°.
    const nodes = [0, 5000, 10000, 21290];
    const { u, v, need } = sampleAt(
      src,
      src.layout.times[1],
      nodes.map((k) => lon[k]),
      nodes.map((k) => lat[k]),
    );
    nodes.forEach((k, q) => {
      expect(need[q]).toBe(0);
      const gamma = (Math.sin((63 * Math.PI) / 180) * ((lon[k] - 15) * Math.PI)) / 180;
      const east = xw[k] * Math.cos(gamma) + yw[k] * Math.sin(gamma);
      const north = -xw[k] * Math.sin(gamma) + yw[k] * Math.cos(gamma);
      expect(Math.abs(u[q] - east)).toBeLessThan(2e-3 * Math.hypot(east, north) + 1e-6);
      expect(Math.abs(v[q] - north)).toBeLessThan(2e-3 * Math.hypot(east, north) + 1e-6);
      expect(Math.hypot(u[q], v[q])).toBeCloseTo(Math.hypot(xw[k], yw[k]), 5);
    });
  });
});

describe("Nordic (ROMS native)", () => {
  it("takes u from u-points and v from v-points (land faces zero), rotated by angle, at the top level", async () => {
    const path = `${FORCING}Nordic_subset.nc`;
    const src = (await openVectorSources([path], "current"))[0] as ForcingSource;
    expect(src.provenance?.grid).toContain("C-grid: u and v from their own points");
    expect(src.provenance?.level).toBe("s_rho #34"); // s_rho closest to the surface
    const f = await openNetcdf(path);
    const lon = readDecoded(f, "lon_rho");
    const lat = readDecoded(f, "lat_rho");
    const angle = readDecoded(f, "angle");
    const maskU = readDecoded(f, "mask_u");
    const maskV = readDecoded(f, "mask_v");
    const u = readDecoded(f, "u").subarray(2 * 35 * 651 + 34 * 651, 2 * 35 * 651 + 35 * 651);
    const v = readDecoded(f, "v").subarray(2 * 35 * 651 + 34 * 651, 2 * 35 * 651 + 35 * 651);
    f.close();
    const t = Number(src.timeRange[1]);
    let checked = 0;
    // At rho point (j, i) the u-index is i − ½: the mean of u[j][i−1] and u[j][i] (this subset keeps 31
    // u columns, u[j][i] east of rho[j][i]); v likewise from v[j−1][i] and v[j][i].
    for (let j = 1; j < 20; j++) {
      for (let i = 1; i < 30; i++) {
        const k = j * 31 + i;
        const uu = (maskU[k - 1] * u[k - 1] + maskU[k] * u[k]) / 2;
        const vv = (maskV[k - 31] * v[k - 31] + maskV[k] * v[k]) / 2;
        const east = uu * Math.cos(angle[k]) - vv * Math.sin(angle[k]);
        const north = uu * Math.sin(angle[k]) + vv * Math.cos(angle[k]);
        const r = sampleAt(src, t, [lon[k]], [lat[k]]);
        expect(r.need[0]).toBe(0);
        expect(r.u[0]).toBeCloseTo(east, 5);
        expect(r.v[0]).toBeCloseTo(north, 5);
        checked++;
      }
    }
    expect(checked).toBe(19 * 29);
    // Outside the curvilinear grid: not served.
    expect([...sampleAt(src, t, [10, 14, 14], [67, 65, 69]).need]).toEqual([1, 1, 1]);
  });
});

describe("generated grids", () => {
  it("rotates a grid-x vector on the polar stereographic grid by the meridian convergence", async () => {
    const path = join(tmp, "polar.nc");
    const nx = 81;
    const ny = 81;
    writeNc(path, {
      dims: { time: 2, y: ny, x: nx },
      vars: [
        {
          name: "time",
          dims: ["time"],
          type: "double",
          attrs: { units: "hours since 2016-02-01" },
          data: [0, 6],
        },
        {
          name: "x",
          dims: ["x"],
          type: "double",
          attrs: { units: "km", standard_name: "projection_x_coordinate" },
          data: (k) => -2000 + 50 * k,
        },
        {
          name: "y",
          dims: ["y"],
          type: "double",
          attrs: { units: "km", standard_name: "projection_y_coordinate" },
          data: (k) => -2000 + 50 * k,
        },
        {
          name: "crs",
          dims: [],
          type: "int",
          attrs: {
            grid_mapping_name: "polar_stereographic",
            straight_vertical_longitude_from_pole: 58,
            latitude_of_projection_origin: 90,
            standard_parallel: 60,
          },
          data: [0],
        },
        {
          name: "u",
          dims: ["time", "y", "x"],
          type: "float",
          attrs: { standard_name: "x_sea_water_velocity", grid_mapping: "crs" },
          data: () => 1,
        },
        {
          name: "v",
          dims: ["time", "y", "x"],
          type: "float",
          attrs: { standard_name: "y_sea_water_velocity", grid_mapping: "crs" },
          data: () => 0,
        },
      ],
    });
    const src = await one(path, "current");
    const lons = [14, 0, 30, 58, 80, -20];
    const lats = [68.9, 70, 75, 72, 80, 78];
    const { u, v, need } = sampleAt(src, T0 + 3600, lons, lats);
    lons.forEach((lo, k) => {
      expect(need[k]).toBe(0);
      // Polar stereographic: the grid's y axis points at azimuth λ − λ0, so x = (cos, −sin)(λ − λ0).
      const d = ((lo - 58) * Math.PI) / 180;
      expect(u[k]).toBeCloseTo(Math.cos(d), 5);
      expect(v[k]).toBeCloseTo(-Math.sin(d), 5);
    });
    // At 14E the vector is turned 44° to the left of east: toward the north-east.
    expect((Math.atan2(v[0], u[0]) * 180) / Math.PI).toBeCloseTo(44, 3);
  });

  it("reads 0–360 longitudes, descending latitudes, a global seam and fills land with the neighbours' largest value", async () => {
    const path = join(tmp, "global.nc");
    const nx = 360;
    const ny = 19;
    const lat = (j: number) => 90 - 10 * j; // descending
    const value = (i: number, j: number) =>
      j === 9 && i >= 100 && i <= 102 ? -32767 : Math.round(100 * Math.cos((i * Math.PI) / 180) + j);
    writeNc(path, {
      dims: { time: 1, lat: ny, lon: nx },
      vars: [
        {
          name: "time",
          dims: ["time"],
          type: "double",
          attrs: { units: "days since 2016-02-01 00:00", calendar: "proleptic_gregorian" },
          data: [0],
        },
        { name: "lat", dims: ["lat"], type: "float", attrs: { units: "degrees_north" }, data: (k) => lat(k) },
        { name: "lon", dims: ["lon"], type: "float", attrs: { units: "degrees_east" }, data: (k) => k },
        {
          name: "uo",
          dims: ["time", "lat", "lon"],
          type: "short",
          attrs: {
            standard_name: "eastward_sea_water_velocity",
            scale_factor: f32(0.01),
            _FillValue: i16(-32767),
          },
          data: (k) => value(k % nx, Math.floor(k / nx)),
        },
        {
          name: "vo",
          dims: ["time", "lat", "lon"],
          type: "short",
          attrs: {
            standard_name: "northward_sea_water_velocity",
            scale_factor: f32(0.01),
            _FillValue: i16(-32767),
          },
          data: (k) => (Math.floor(k / nx) === 9 && k % nx >= 100 && k % nx <= 102 ? -32767 : 5),
        },
      ],
    });
    const src = await one(path, "current");
    expect(src.grid.kind === "lonlat" && src.grid.lonPeriod).toBe(360);
    const dec = (i: number, j: number) => Math.fround(value(i, j) * Math.fround(0.01));
    // -0.5 E is 359.5 in the file: half way between the last and the first column.
    const r = sampleAt(src, T0, [-0.5, 10, 190, -170, 101], [0, 5, -45, -45, 0]);
    expect(r.u[0]).toBeCloseTo((dec(359, 9) + dec(0, 9)) / 2, 5);
    expect(r.u[1]).toBeCloseTo((dec(10, 8) + dec(10, 9)) / 2, 5); // latitude 5 between rows 8 (10N) and 9 (0N)
    expect(r.u[2]).toBeCloseTo((dec(190, 13) + dec(190, 14)) / 2, 5);
    expect(r.u[3]).toBeCloseTo(r.u[2], 10);
    // The land column 101 at the equator: the largest of its wet neighbours (OpenDrift's grey dilation).
    const neighbours = [dec(100, 8), dec(101, 8), dec(102, 8), dec(100, 10), dec(101, 10), dec(102, 10)];
    expect(r.u[4]).toBeCloseTo(Math.max(...neighbours), 5);
    expect(r.v[4]).toBeCloseTo(0.05, 6);
    expect([...r.need]).toEqual([0, 0, 0, 0, 0]);
  });

  it("reads Mercator and rotated-pole grids with their vectors", async () => {
    const merc = join(tmp, "merc.nc");
    const mp = makeProjector({
      ...(await import("../../src/forcing/grid-mapping.js")).projectionFromProj4(
        "+proj=merc +lon_0=0 +lat_ts=0 +ellps=WGS84",
      ),
    });
    const o = new Float64Array(2);
    mp.forward(10, 50, o);
    const [x0, y0] = [o[0], o[1]];
    writeNc(merc, {
      dims: { time: 1, y: 20, x: 20 },
      vars: [
        {
          name: "time",
          dims: ["time"],
          type: "double",
          attrs: { units: "seconds since 2016-02-01" },
          data: [0],
        },
        {
          name: "x",
          dims: ["x"],
          type: "double",
          attrs: { units: "m", standard_name: "projection_x_coordinate" },
          data: (k) => x0 + 5000 * k,
        },
        {
          name: "y",
          dims: ["y"],
          type: "double",
          attrs: { units: "m", standard_name: "projection_y_coordinate" },
          data: (k) => y0 + 5000 * k,
        },
        {
          name: "mercator",
          dims: [],
          type: "int",
          attrs: { grid_mapping_name: "mercator", longitude_of_projection_origin: 0, standard_parallel: 0 },
          data: [0],
        },
        {
          name: "u10",
          dims: ["time", "y", "x"],
          type: "float",
          attrs: { standard_name: "x_wind", grid_mapping: "mercator" },
          data: (k) => k % 20,
        },
        {
          name: "v10",
          dims: ["time", "y", "x"],
          type: "float",
          attrs: { standard_name: "y_wind", grid_mapping: "mercator" },
          data: () => 2,
        },
      ],
    });
    const m = await one(merc, "wind");
    mp.inverse(x0 + 5000 * 3.5, y0 + 5000 * 7, o);
    const r = sampleAt(m, T0, [o[0]], [o[1]]);
    expect(r.need[0]).toBe(0);
    expect(r.u[0]).toBeCloseTo(3.5, 6); // Mercator: grid north is true north
    expect(r.v[0]).toBeCloseTo(2, 6);

    const rot = join(tmp, "rotated.nc");
    writeNc(rot, {
      dims: { time: 1, rlat: 21, rlon: 21 },
      vars: [
        {
          name: "time",
          dims: ["time"],
          type: "double",
          attrs: { units: "hours since 2016-02-01" },
          data: [0],
        },
        {
          name: "rlon",
          dims: ["rlon"],
          type: "double",
          attrs: { units: "degrees", standard_name: "grid_longitude" },
          data: (k) => -10 + k,
        },
        {
          name: "rlat",
          dims: ["rlat"],
          type: "double",
          attrs: { units: "degrees", standard_name: "grid_latitude" },
          data: (k) => -10 + k,
        },
        {
          name: "rotated_pole",
          dims: [],
          type: "char",
          attrs: {
            grid_mapping_name: "rotated_latitude_longitude",
            grid_north_pole_latitude: 39.25,
            grid_north_pole_longitude: -162,
          },
          data: [0],
        },
        {
          name: "uas",
          dims: ["time", "rlat", "rlon"],
          type: "float",
          attrs: { standard_name: "x_wind", grid_mapping: "rotated_pole" },
          data: () => 0,
        },
        {
          name: "vas",
          dims: ["time", "rlat", "rlon"],
          type: "float",
          attrs: { standard_name: "y_wind", grid_mapping: "rotated_pole" },
          data: () => 5,
        },
      ],
    });
    const rs = await one(rot, "wind");
    // Rotated (0, 0) is 18E 50.75N, where the rotated meridian is the true one: wind stays northward.
    const a = sampleAt(rs, T0, [18, 30], [50.75, 55]);
    expect([...a.need]).toEqual([0, 0]);
    expect(a.u[0]).toBeCloseTo(0, 6);
    expect(a.v[0]).toBeCloseTo(5, 6);
    // Elsewhere the grid's y axis is turned: compare with OpenDrift's method (positions of (x, y) and
    // (x, y + δ), azimuth between them), and the speed is kept.
    const rp = makeProjector(rs.grid.kind === "projected" ? rs.grid.projection : (null as never));
    const xy = new Float64Array(2);
    rp.forward(30, 55, xy);
    const az = gridNorthAzimuth(rp, xy[0], xy[1], new Float64Array(2));
    expect(Math.abs(az)).toBeGreaterThan(0.1);
    expect(a.u[1]).toBeCloseTo(5 * Math.sin(az), 6);
    expect(a.v[1]).toBeCloseTo(5 * Math.cos(az), 6);
  });
});

describe("speed", () => {
  it("samples a million particles in one pass per source", async () => {
    const current = await one(`${FORCING}Arctic20_1to5Feb_2016.nc`, "current");
    const wind = await one(`${FORCING}synthetic_wind_20160201_lonlat.nc`, "wind");
    await current.prepare(ARCTIC_WINDOW);
    await wind.prepare(ARCTIC_WINDOW);
    const M = 1_000_000;
    const lon = new Float64Array(M);
    const lat = new Float64Array(M);
    for (let i = 0; i < M; i++) {
      lon[i] = 13 + ((i * 7919) % 4000) / 1000;
      lat[i] = 68.5 + ((i * 104729) % 1500) / 1000;
    }
    const u = new Float64Array(M);
    const v = new Float64Array(M);
    const need = new Uint8Array(M);
    const times: Record<string, number> = {};
    for (const [name, src] of [
      ["wind lon/lat", wind],
      ["current polar stereographic", current],
    ] as const) {
      let best = Number.POSITIVE_INFINITY;
      for (let r = 0; r < 3; r++) {
        need.fill(1);
        const t0 = performance.now();
        src.sample(T0 + 20 * 3600 + 600, lon, lat, M, need, u, v);
        best = Math.min(best, performance.now() - t0);
      }
      expect(need.every((x) => x === 0)).toBe(true);
      times[name] = best;
    }
    console.log(
      `1e6 particles: ${Object.entries(times)
        .map(([k, ms]) => `${k} ${ms.toFixed(0)} ms`)
        .join(", ")}`,
    );
    // Generous bounds: the test machine is shared.
    expect(times["wind lon/lat"]).toBeLessThan(1500);
    expect(times["current polar stereographic"]).toBeLessThan(4000);
  });
});
