import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Trajectory } from "../../src/core/trajectory.js";
import { DATA_PRODUCTS, writeDataProducts } from "../../src/products/data-products.js";
import { needsAnalysis, PRODUCT_FILES } from "../../src/products/registry.js";
import { have } from "../helpers/needs.js";
import { eastOfLand, syntheticContext, syntheticTrajectory } from "./synthetic.js";
import { ncdump, tempDir } from "./tools.js";

const NCDUMP = await have("test/products/data-products.test.ts: particles.nc read with ncdump", "ncdump");

/** The trajectory's arrays copied into shared memory, as a threaded run leaves them. */
function inSharedMemory(t: Trajectory): Trajectory {
  const share = <A extends Float32Array | Float64Array | Uint8Array>(a: A): A => {
    const copy = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
    copy.set(a as never);
    return copy;
  };
  return {
    ...t,
    times: share(t.times),
    lon: share(t.lon),
    lat: share(t.lat),
    status: share(t.status),
    orientation: share(t.orientation),
    capsized: share(t.capsized),
  };
}

describe("writeDataProducts", () => {
  it("writes every selected data product and fills ctx.searchAreas", async () => {
    const t = syntheticTrajectory({ n: 300, hours: 5, coastLon: 4.57 });
    const ctx = syntheticContext(t, { landmask: eastOfLand(4.57) });
    const dir = tempDir();
    const seen: string[] = [];
    const { grids, files } = await writeDataProducts(ctx, dir, [...DATA_PRODUCTS, "png"], {
      onProgress: (_f, p) => seen.push(p),
    });
    expect(ctx.searchAreas).toHaveLength(6);
    expect(grids?.afloat).toHaveLength(6);
    expect(Object.keys(files).sort()).toEqual([...DATA_PRODUCTS].sort());
    for (const p of DATA_PRODUCTS) {
      expect(files[p]).toBe(path.resolve(dir, PRODUCT_FILES[p]));
      expect(existsSync(files[p]!) && statSync(files[p]!).size > 0).toBe(true);
    }
    expect(files.png).toBeUndefined();
    expect(seen).toContain("kmz");
  });

  it("computes no density or search areas when no selected product reads them, unless asked", async () => {
    const t = syntheticTrajectory({ n: 300, hours: 5, coastLon: 4.57 });
    const plain = DATA_PRODUCTS.filter((p) => !needsAnalysis([p]));
    expect(plain).toEqual(expect.arrayContaining(["netcdf", "trajectories", "csv", "shore", "ascii"]));
    expect(needsAnalysis(["netcdf", "summary"])).toBe(true);
    const ctx = syntheticContext(t, { landmask: eastOfLand(4.57) });
    // A writer that read the grids without its registry row saying so would throw here.
    const r = await writeDataProducts(ctx, tempDir(), plain);
    expect(r.grids).toBeUndefined();
    expect(ctx.searchAreas).toBeUndefined();
    expect(Object.keys(r.files).sort()).toEqual([...plain].sort());
    const asked = syntheticContext(t, { landmask: eastOfLand(4.57) });
    const withAreas = await writeDataProducts(asked, tempDir(), ["netcdf"], { analysis: true });
    expect(withAreas.grids?.smoothedProbability).toBeDefined();
    expect(asked.searchAreas).toHaveLength(6);
  });

  it.runIf(NCDUMP)(
    "writes particles.nc in a thread for large runs, with the same data as on this thread",
    async () => {
      const t = inSharedMemory(syntheticTrajectory({ n: 400, hours: 6, coastLon: 4.57 }));
      const here = tempDir();
      const there = tempDir();
      await writeDataProducts(syntheticContext(t, { landmask: eastOfLand(4.57) }), here, ["netcdf"]);
      const threaded = await writeDataProducts(
        syntheticContext(t, { landmask: eastOfLand(4.57) }),
        there,
        ["netcdf"],
        { netcdfThreadMinCells: 0 },
      );
      await threaded.pending;
      const data = (dir: string) => {
        const out = ncdump(["-v", "lon,lat,status,time", path.join(dir, PRODUCT_FILES.netcdf)]);
        return out.slice(out.indexOf("data:"));
      };
      expect(data(there).length).toBeGreaterThan(1000);
      expect(data(there)).toBe(data(here));
      // The land mask goes to the thread by name only, and still names the coastline in the file.
      expect(ncdump(["-h", path.join(there, PRODUCT_FILES.netcdf)])).toContain(":coastline = ");
    },
  );

  it("writes particles.nc on this thread when the trajectory is not in shared memory (no copy)", async () => {
    const t = syntheticTrajectory({ n: 50, hours: 2, coastLon: 4.57 });
    const r = await writeDataProducts(syntheticContext(t), tempDir(), ["netcdf"], {
      netcdfThreadMinCells: 0,
    });
    // Written before the call returns: nothing pending.
    expect(existsSync(r.files.netcdf!)).toBe(true);
  });

  it("reports a failure of the particles.nc thread", async () => {
    const t = inSharedMemory(syntheticTrajectory({ n: 50, hours: 2, coastLon: 4.57 }));
    const missing = path.join(tempDir(), "no", "such", "dir");
    const r = await writeDataProducts(syntheticContext(t), missing, ["netcdf"], { netcdfThreadMinCells: 0 });
    await expect(r.pending).rejects.toThrow(/ENOENT|no such file/);
  });
});
