// The data products of a run in one call: density and search areas computed once, then every selected file.
// Pictures and the report (heatmap.png, animation.gif, report.pdf) are drawn elsewhere from the same
// grids and search areas (returned here and stored in ctx.searchAreas).
import path from "node:path";
import type { ProductContext, ProductName } from "./context.js";
import { PRODUCT_FILES } from "./context.js";
import { writeParticlesCsv, writeSearchAreasCsv } from "./csv.js";
import { computeDensity, type DensityResult, writeDensityNetcdf } from "./density.js";
import { writeSearchAreasGeoJson, writeTrajectoriesGeoJson } from "./geojson.js";
import { writeMissionKml, writeMissionKmz } from "./kml.js";
import { writeLeewayAscii } from "./leeway-ascii.js";
import { type ParticlesNetcdfOptions, writeParticlesNetcdf } from "./particles-nc.js";
import { writeParticlesNetcdfInThread } from "./particles-nc-thread.js";
import { computeSearchAreas } from "./search-areas.js";

/** The products this module writes (summary.json is written by the pipeline, pictures by their modules). */
export const DATA_PRODUCTS = [
  "netcdf",
  "density",
  "search_areas",
  "trajectories",
  "kml",
  "kmz",
  "ascii",
  "csv",
  "areas_csv",
] as const satisfies readonly ProductName[];

/**
 * From this many particle-outputs particles.nc is written in a thread of its own (starting one costs ~0.2 s),
 * when the trajectory is in shared memory.
 */
export const NETCDF_THREAD_MIN_CELLS = 5_000_000;

export interface DataProductsOptions {
  netcdf?: ParticlesNetcdfOptions;
  /** Particle-outputs from which particles.nc is written in a thread (default NETCDF_THREAD_MIN_CELLS). */
  netcdfThreadMinCells?: number;
  /** Called before each file with the share of the data products done. */
  onProgress?: (fraction: number, product: ProductName) => void;
}

/**
 * Computes the density grids and search areas (setting ctx.searchAreas) and writes the selected data products
 * into outDir. Returns the grids (for the pictures), product → absolute path of every file, and `pending`:
 * for large runs particles.nc is still being written in a thread (await it before using the files).
 */
export async function writeDataProducts(
  ctx: ProductContext,
  outDir: string,
  selection: readonly ProductName[],
  opts: DataProductsOptions = {},
): Promise<{ grids: DensityResult; files: Partial<Record<ProductName, string>>; pending: Promise<void> }> {
  const t = ctx.trajectory;
  const netcdfFile = path.resolve(outDir, PRODUCT_FILES.netcdf);
  let pending: Promise<void> = Promise.resolve();
  // Only over shared memory (a threaded run's output): copying a large trajectory to the thread would cost
  // more memory than the thread saves time.
  const inThread =
    selection.includes("netcdf") &&
    t.lon.buffer instanceof SharedArrayBuffer &&
    t.n * t.times.length >= (opts.netcdfThreadMinCells ?? NETCDF_THREAD_MIN_CELLS);
  if (inThread) {
    pending = writeParticlesNetcdfInThread(ctx, netcdfFile, opts.netcdf);
    // Awaited by the caller; until then a failure must not count as unhandled.
    pending.catch(() => undefined);
  }
  const grids = computeDensity(ctx);
  const snapshots = computeSearchAreas(ctx, grids);
  ctx.searchAreas = snapshots;
  const wanted = DATA_PRODUCTS.filter((p) => selection.includes(p));
  const files: Partial<Record<ProductName, string>> = {};
  for (let m = 0; m < wanted.length; m++) {
    const product = wanted[m];
    opts.onProgress?.(m / wanted.length, product);
    const file = path.resolve(outDir, PRODUCT_FILES[product]);
    switch (product) {
      case "netcdf":
        if (!inThread) await writeParticlesNetcdf(ctx, file, opts.netcdf);
        break;
      case "density":
        await writeDensityNetcdf(ctx, grids, file);
        break;
      case "search_areas":
        await writeSearchAreasGeoJson(ctx, snapshots, file);
        break;
      case "trajectories":
        await writeTrajectoriesGeoJson(ctx, file);
        break;
      case "kml":
        await writeMissionKml(ctx, snapshots, file);
        break;
      case "kmz":
        await writeMissionKmz(ctx, snapshots, file);
        break;
      case "ascii":
        await writeLeewayAscii(ctx, file);
        break;
      case "csv":
        await writeParticlesCsv(ctx, file);
        break;
      case "areas_csv":
        await writeSearchAreasCsv(ctx, snapshots, file);
        break;
    }
    files[product] = file;
  }
  opts.onProgress?.(1, wanted[wanted.length - 1] ?? "netcdf");
  return { grids, files, pending };
}
