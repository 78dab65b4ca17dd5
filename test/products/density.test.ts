import path from "node:path";
import proj4 from "proj4";
import { describe, expect, it } from "vitest";
import { Status } from "../../src/core/types.js";
import { computeDensity, MAX_CELL_TIMES, writeDensityNetcdf } from "../../src/products/density.js";
import { Laea } from "../../src/products/laea.js";
import { have } from "../helpers/needs.js";
import { eastOfLand, rng, syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { ncdump, pythonJson, tempDir } from "./tools.js";

const TOOLS = await have(
  "test/products/density.test.ts: density.nc in ncdump, netCDF4, xarray",
  "ncdump",
  "python-netcdf4",
);

function countStatus(status: Uint8Array, n: number, k: number, code: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (status[k * n + i] === code) c++;
  return c;
}

describe("LAEA projection", () => {
  it("matches proj4 forward and inverse to millimetres, also through the fast tables", () => {
    const r = rng(11);
    for (const [lon0, lat0] of [
      [4.5, 60.1],
      [-70, -45],
      [179.5, 12],
      [10, 80],
    ]) {
      const p = new Laea(lon0, lat0);
      const conv = proj4("WGS84", p.proj4);
      p.prepareTables(lat0 - 2, lat0 + 2, -3, 3);
      const xy = { x: 0, y: 0 };
      const ll = { lon: 0, lat: 0 };
      for (let s = 0; s < 300; s++) {
        const lon = lon0 + (r() - 0.5) * 6;
        const lat = lat0 + (r() - 0.5) * 4;
        const [x, y] = conv.forward([lon, lat]);
        p.forward(lon, lat, xy);
        expect(Math.hypot(xy.x - x, xy.y - y)).toBeLessThan(1e-3);
        p.forwardFast(p.dLon(lon), lat, xy);
        expect(Math.hypot(xy.x - x, xy.y - y)).toBeLessThan(1e-2);
        p.inverse(x, y, ll);
        expect(Math.abs(((ll.lon - lon + 540) % 360) - 180)).toBeLessThan(1e-8);
        expect(Math.abs(ll.lat - lat)).toBeLessThan(1e-8);
      }
    }
  });
});

describe("computeDensity", () => {
  const traj = syntheticTrajectory({
    n: 3000,
    hours: 12,
    coastLon: 4.6,
    missingEvery: 13,
    releaseEverySeconds: 20,
  });

  it("counts every afloat particle once per time: the sea probabilities sum to 1, stranded counted apart", () => {
    const ctx = syntheticContext(traj);
    const g = computeDensity(ctx);
    const cells = g.nx * g.ny;
    expect(g.cellM).toBe(1000);
    expect(g.note).toBe("");
    for (let k = 0; k < traj.times.length; k++) {
      const active = countStatus(traj.status, traj.n, k, Status.active);
      const stranded = countStatus(traj.status, traj.n, k, Status.stranded);
      expect(g.afloat[k]).toBe(active);
      let sumP = 0;
      let sumS = 0;
      for (let c = 0; c < cells; c++) {
        if (!g.land[c]) sumP += g.counts[k * cells + c] / g.afloat[k];
        sumS += g.stranded[k * cells + c];
      }
      expect(sumP).toBeCloseTo(1, 12);
      expect(sumS).toBe(stranded);
    }
    // Some times have stranded particles (the synthetic coast is reached).
    expect(g.stranded.some((v) => v > 0)).toBe(true);
  });

  it("puts each particle in the cell that contains its projected position (proj4)", () => {
    const ctx = syntheticContext(traj);
    const g = computeDensity(ctx);
    const conv = proj4("WGS84", g.proj4);
    const x0 = g.x[0] - g.cellM / 2;
    const y0 = g.y[0] - g.cellM / 2;
    const k = traj.times.length - 1;
    // Rebuild the last layer from proj4 and compare with the grid.
    const cells = g.nx * g.ny;
    const mine = new Uint32Array(cells);
    for (let i = 0; i < traj.n; i++) {
      if (traj.status[k * traj.n + i] !== Status.active) continue;
      const [x, y] = conv.forward([traj.lon[k * traj.n + i], traj.lat[k * traj.n + i]]);
      mine[Math.floor((y - y0) / g.cellM) * g.nx + Math.floor((x - x0) / g.cellM)]++;
    }
    let differ = 0;
    for (let c = 0; c < cells; c++) differ += Math.abs(mine[c] - g.counts[k * cells + c]);
    // Only a particle within millimetres of a cell edge may fall on the other side.
    expect(differ).toBeLessThanOrEqual(2);
    // Cell centres are the inverse projection of x, y.
    const inv = proj4(g.proj4, "WGS84");
    const [lon, lat] = inv.forward([g.x[3], g.y[2]]);
    expect(g.lon[2 * g.nx + 3]).toBeCloseTo(lon, 8);
    expect(g.lat[2 * g.nx + 3]).toBeCloseTo(lat, 8);
  });

  it("flags land cells from the land mask and never flags a cell holding afloat particles", () => {
    const ctx = syntheticContext(traj, { landmask: eastOfLand(4.6) });
    const g = computeDensity(ctx);
    const cells = g.nx * g.ny;
    let landCells = 0;
    for (let c = 0; c < cells; c++) {
      if (!g.land[c]) continue;
      landCells++;
      expect(g.lon[c]).toBeGreaterThan(4.6);
      for (let k = 0; k < traj.times.length; k++) expect(g.counts[k * cells + c]).toBe(0);
    }
    expect(landCells).toBeGreaterThan(0);
  });

  it("enlarges the cells of a huge cloud and says so", () => {
    const big = syntheticTrajectory({ n: 200, hours: 2, lon0: 0, lat0: 0 });
    // Spread the particles over about 40° so that 10 m cells are impossible.
    for (let j = 0; j < big.lon.length; j++) {
      big.lon[j] = ((j * 7919) % 4000) / 100 - 20;
      big.lat[j] = ((j * 104729) % 4000) / 100 - 20;
    }
    const g = computeDensity(syntheticContext(big), { cellM: 10 });
    expect(g.requestedCellM).toBe(10);
    expect(g.cellM).toBeGreaterThan(1000);
    expect(g.note).toMatch(/cells enlarged from 10 m/);
    expect(g.nx * g.ny * big.times.length).toBeLessThanOrEqual(MAX_CELL_TIMES);
    expect(g.counts.reduce((a, b) => a + b, 0)).toBe(g.afloat.reduce((a, b) => a + b, 0));
  });

  it("handles a cloud across the antimeridian", () => {
    const t = syntheticTrajectory({ n: 500, hours: 6, lon0: 179.98, lat0: -40 });
    const g = computeDensity(syntheticContext(t));
    expect(g.nx).toBeLessThan(200);
    const cells = g.nx * g.ny;
    const k = t.times.length - 1;
    let s = 0;
    for (let c = 0; c < cells; c++) s += g.counts[k * cells + c];
    expect(s).toBe(g.afloat[k]);
  });

  it("rejects a bad cell size", () => {
    expect(() => computeDensity(syntheticContext(traj), { cellM: -5 })).toThrow(/cell size/);
  });
});

describe("density.nc", () => {
  it.runIf(TOOLS)(
    "opens in ncdump, netCDF4 and xarray; probabilities sum to 1; CF grid mapping and time",
    async () => {
      const traj = syntheticTrajectory({ n: 2000, hours: 6, coastLon: 4.6 });
      const ctx = syntheticContext(traj, { landmask: eastOfLand(4.6) });
      const g = computeDensity(ctx);
      const file = path.join(tempDir(), "density.nc");
      await writeDensityNetcdf(ctx, g, file);
      const header = ncdump(["-h", file]);
      expect(header).toMatch(/float probability\(time, y, x\)/);
      expect(header).toMatch(/grid_mapping_name = "lambert_azimuthal_equal_area"/);
      const r = pythonJson<{
        sums: number[];
        time0: string;
        lon_dims: string[];
        gm: string;
        stranded: number[];
        afloat: number[];
      }>(
        `
import json, sys, xarray as xr, netCDF4
ds = xr.open_dataset(sys.argv[1])
nc = netCDF4.Dataset(sys.argv[1])
p = ds.probability.where(ds.land == 0).sum(dim=("y", "x"))
print(json.dumps({
  "sums": [float(v) for v in p.values],
  "time0": str(ds.time.values[0])[:19],
  "lon_dims": list(ds.lon.dims),
  "gm": nc["probability"].grid_mapping,
  "stranded": [int(v) for v in ds.stranded_count.sum(dim=("y", "x")).values],
  "afloat": [int(v) for v in ds.afloat_total.values],
}))
`,
        [file],
      );
      for (const s of r.sums) expect(s).toBeCloseTo(1, 5);
      expect(r.time0).toBe("2016-02-01T12:00:00");
      expect(r.lon_dims).toEqual(["y", "x"]);
      expect(r.gm).toBe("crs");
      expect(r.afloat).toEqual(Array.from(g.afloat));
      for (let k = 0; k < traj.times.length; k++) {
        expect(r.stranded[k]).toBe(countStatus(traj.status, traj.n, k, Status.stranded));
      }
    },
  );
});
