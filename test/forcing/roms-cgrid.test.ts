// The ROMS C-grid reader on a synthetic ROMS file written here: a rotated curvilinear grid whose u and v are
// an analytic current given on the u- and v-points (grid-relative, as ROMS writes them). Sampled at
// arbitrary points and times it must give the analytic east/north current to within the error bound of
// bilinear interpolation; the OpenDrift-compatible reading (u, v taken at rho points) must not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ForcingSource } from "../../src/core/types.js";
import { sourcesForPaths } from "../../src/forcing/index.js";
import { writeNc } from "./nc-writer.js";

const NX = 41; // rho columns (xi)
const NY = 31; // rho rows (eta)
const H = 2000; // grid spacing, m
const THETA = (35 * Math.PI) / 180; // xi axis, counter-clockwise from east
const LON0 = 5;
const LAT0 = 60;
const R = 6371000;
const DEG = Math.PI / 180;
const L = 40000; // wavelength of the current pattern, m
const A = 0.2; // its amplitude, m/s
const T0 = Date.UTC(2020, 0, 1) / 1000;
const DT = 3600;

/** Position of fractional rho index (i, j): a rotated rectangle in local metres, as lon/lat. */
function lonLatOf(i: number, j: number): [number, number] {
  const e = i * H * Math.cos(THETA) - j * H * Math.sin(THETA);
  const n = i * H * Math.sin(THETA) + j * H * Math.cos(THETA);
  return [LON0 + e / (R * Math.cos(LAT0 * DEG) * DEG), LAT0 + n / (R * DEG)];
}

/** The analytic current (east, north m/s) at a position and time (linear in time between the fields). */
function current(lon: number, lat: number, t: number): [number, number] {
  const e = (lon - LON0) * R * Math.cos(LAT0 * DEG) * DEG;
  const n = (lat - LAT0) * R * DEG;
  const k = (2 * Math.PI) / L;
  const grow = 1 + (0.5 * (t - T0)) / DT;
  return [
    grow * (0.3 + A * Math.sin(k * e) * Math.cos(k * n)),
    grow * (-0.1 + A * Math.cos(k * e) * Math.sin(k * n)),
  ];
}

/** Angle from true east to the xi axis at fractional index (i, j), from the true local metric. */
function angleAt(i: number, j: number): number {
  const [a0, b0] = lonLatOf(i - 0.01, j);
  const [a1, b1] = lonLatOf(i + 0.01, j);
  const lat = (b0 + b1) / 2;
  return Math.atan2((b1 - b0) * DEG * R, (a1 - a0) * DEG * R * Math.cos(lat * DEG));
}

/** Grid-relative component (along xi, or along eta) of the analytic current at fractional index (i, j). */
function gridComponent(i: number, j: number, t: number, along: "xi" | "eta"): number {
  const [lon, lat] = lonLatOf(i, j);
  const [ue, vn] = current(lon, lat, t);
  const a = angleAt(i, j);
  return along === "xi" ? ue * Math.cos(a) + vn * Math.sin(a) : -ue * Math.sin(a) + vn * Math.cos(a);
}

let dir: string;
let path: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "driftline-roms-"));
  path = join(dir, "synthetic_roms.nc");
  const rho = (f: (i: number, j: number) => number) => (k: number) => f(k % NX, Math.floor(k / NX));
  // u[t][s][j][i] at rho index (i + ½, j); v at (i, j + ½). Level 0 (deep) holds a wrong current: the
  // reader must take the top level.
  const staggered = (nx: number, ny: number, di: number, dj: number, along: "xi" | "eta") => (k: number) => {
    const i = k % nx;
    const j = Math.floor(k / nx) % ny;
    const s = Math.floor(k / (nx * ny)) % 2;
    const t = T0 + DT * Math.floor(k / (2 * nx * ny));
    return s === 0 ? 5 : gridComponent(i + di, j + dj, t, along);
  };
  writeNc(path, {
    dims: {
      ocean_time: 2,
      s_rho: 2,
      eta_rho: NY,
      xi_rho: NX,
      eta_u: NY,
      xi_u: NX - 1,
      eta_v: NY - 1,
      xi_v: NX,
    },
    vars: [
      {
        name: "ocean_time",
        dims: ["ocean_time"],
        type: "double",
        attrs: { units: "seconds since 1970-01-01" },
        data: [T0, T0 + DT],
      },
      { name: "s_rho", dims: ["s_rho"], type: "double", attrs: { positive: "up" }, data: [-0.95, -0.05] },
      {
        name: "lon_rho",
        dims: ["eta_rho", "xi_rho"],
        type: "double",
        attrs: { units: "degree_east" },
        data: rho((i, j) => lonLatOf(i, j)[0]),
      },
      {
        name: "lat_rho",
        dims: ["eta_rho", "xi_rho"],
        type: "double",
        attrs: { units: "degree_north" },
        data: rho((i, j) => lonLatOf(i, j)[1]),
      },
      {
        name: "angle",
        dims: ["eta_rho", "xi_rho"],
        type: "double",
        attrs: { units: "radians" },
        data: rho(angleAt),
      },
      { name: "mask_rho", dims: ["eta_rho", "xi_rho"], type: "double", data: () => 1 },
      {
        name: "u",
        dims: ["ocean_time", "s_rho", "eta_u", "xi_u"],
        type: "float",
        data: staggered(NX - 1, NY, 0.5, 0, "xi"),
      },
      {
        name: "v",
        dims: ["ocean_time", "s_rho", "eta_v", "xi_v"],
        type: "float",
        data: staggered(NX, NY - 1, 0, 0.5, "eta"),
      },
    ],
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same grid as a plain CF file: 2-D lon/lat and eastward/northward current at the nodes (not ROMS). */
function writeCurvilinearCf(file: string): void {
  const node = (f: (i: number, j: number, t: number) => number) => (k: number) =>
    f(k % NX, Math.floor(k / NX) % NY, T0 + DT * Math.floor(k / (NX * NY)));
  const at = (c: 0 | 1) => node((i, j, t) => current(...lonLatOf(i, j), t)[c]);
  writeNc(file, {
    dims: { time: 2, y: NY, x: NX },
    vars: [
      {
        name: "time",
        dims: ["time"],
        type: "double",
        attrs: { units: "seconds since 1970-01-01" },
        data: [T0, T0 + DT],
      },
      {
        name: "lon",
        dims: ["y", "x"],
        type: "double",
        attrs: { standard_name: "longitude", units: "degrees_east" },
        data: node((i, j) => lonLatOf(i, j)[0]),
      },
      {
        name: "lat",
        dims: ["y", "x"],
        type: "double",
        attrs: { standard_name: "latitude", units: "degrees_north" },
        data: node((i, j) => lonLatOf(i, j)[1]),
      },
      {
        name: "uo",
        dims: ["time", "y", "x"],
        type: "float",
        attrs: { standard_name: "eastward_sea_water_velocity", coordinates: "lon lat" },
        data: at(0),
      },
      {
        name: "vo",
        dims: ["time", "y", "x"],
        type: "float",
        attrs: { standard_name: "northward_sea_water_velocity", coordinates: "lon lat" },
        data: at(1),
      },
    ],
  });
}

/** Largest error of a source against the analytic current at 2,000 points and times inside the grid. */
async function largestError(compatibility: "exact" | "opendrift", file = path): Promise<number> {
  const [src] = (await sourcesForPaths([file], "current", false, compatibility)) as ForcingSource[];
  await src.prepare?.({ start: T0, end: T0 + DT, west: 0, east: 10, south: 55, north: 65 });
  let seed = 12345;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  let worst = 0;
  for (let q = 0; q < 2000; q++) {
    // Away from the outermost half cell, where the staggered points stop and values are held constant.
    const [lon, lat] = lonLatOf(1 + random() * (NX - 3), 1 + random() * (NY - 3));
    const t = T0 + Math.round(random() * DT);
    const u = new Float64Array(1);
    const v = new Float64Array(1);
    const need = Uint8Array.of(1);
    src.sample(t, Float64Array.of(lon), Float64Array.of(lat), 1, need, u, v);
    expect(need[0]).toBe(0);
    const [ue, vn] = current(lon, lat, t);
    worst = Math.max(worst, Math.hypot(u[0] - ue, v[0] - vn));
  }
  return worst;
}

describe("ROMS C-grid reader on an analytic current", () => {
  it("matches the analytic current to the bilinear interpolation error bound", async () => {
    const worst = await largestError("exact");
    // Bilinear interpolation of a field with second derivatives up to A·k² (doubled at the later time)
    // errs by at most h²/8 · (|f_xx| + |f_yy|) per component: 1.5 · A · (k h)² / 4.
    const k = (2 * Math.PI) / L;
    const bound = (1.5 * A * (k * H) ** 2) / 4;
    console.log(`C-grid reader: largest error ${worst.toFixed(5)} m/s (bound ${bound.toFixed(5)})`);
    expect(worst).toBeLessThan(bound);
  });

  it("is far closer than reading u and v as if they sat at rho points (OpenDrift's reader)", async () => {
    const exact = await largestError("exact");
    const opendrift = await largestError("opendrift");
    console.log(`OpenDrift-compatible reading: largest error ${opendrift.toFixed(4)} m/s`);
    expect(opendrift).toBeGreaterThan(4 * exact);
  });

  it("keeps 2-D lon/lat CF grids (not ROMS) working, with the same domain edge in both modes", async () => {
    const cf = join(dir, "curvilinear_cf.nc");
    writeCurvilinearCf(cf);
    const k = (2 * Math.PI) / L;
    for (const mode of ["exact", "opendrift"] as const) {
      expect(await largestError(mode, cf)).toBeLessThan((1.5 * A * (k * H) ** 2) / 4);
      const [src] = (await sourcesForPaths([cf], "current", false, mode)) as ForcingSource[];
      // Just inside the outermost nodes: served; just outside: not (missing_data).
      const inside = [lonLatOf(0.01, 0.01), lonLatOf(NX - 1.01, NY - 1.01)];
      const outside = [lonLatOf(-0.05, 5), lonLatOf(5, NY - 0.95)];
      const pts = [...inside, ...outside];
      const need = new Uint8Array(pts.length).fill(1);
      const u = new Float64Array(pts.length);
      const v = new Float64Array(pts.length);
      src.sample(
        T0,
        Float64Array.from(pts, (p) => p[0]),
        Float64Array.from(pts, (p) => p[1]),
        pts.length,
        need,
        u,
        v,
      );
      expect([...need]).toEqual([0, 0, 1, 1]);
    }
  });
});
