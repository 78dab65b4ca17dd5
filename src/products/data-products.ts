// The data products of a run in one call: density and search areas computed once, then every selected file.
// Pictures and the report (heatmap.png, animation.gif, report.pdf) are drawn elsewhere from the same
// grids and search areas (returned here and stored in ctx.searchAreas).
import path from "node:path";
import type { ProductContext } from "./context.js";
import type { DensityResult } from "./density.js";
import type { ParticlesNetcdfOptions } from "./particles-nc.js";
import { needsAnalysis, PRODUCT_FILES, type ProductInput, type ProductName, productsAt } from "./registry.js";

/** The products this module writes (summary.json is written by the pipeline, pictures by products/index.ts). */
export const DATA_PRODUCTS: readonly ProductName[] = productsAt("data").map((p) => p.name);

/**
 * From this many particle-outputs particles.nc is written in a thread of its own (starting one costs ~0.2 s),
 * when the trajectory is in shared memory.
 */
export const NETCDF_THREAD_MIN_CELLS = 5_000_000;

export interface DataProductsOptions {
  netcdf?: ParticlesNetcdfOptions;
  /** Particle-outputs from which particles.nc is written in a thread (default NETCDF_THREAD_MIN_CELLS). */
  netcdfThreadMinCells?: number;
  /**
   * Compute the density grids and search areas even when no selected product reads them (the worker's
   * mission_results carry them); by default only when one does.
   */
  analysis?: boolean;
  /** Called before each file with the share of the data products done. */
  onProgress?: (fraction: number, product: ProductName) => void;
}

/**
 * Computes the density grids and search areas (setting ctx.searchAreas) when a selected product reads them
 * (or opts.analysis asks), and writes the selected data products into outDir. Returns the grids (for the
 * pictures; undefined when not computed), product → absolute path of every file, and `pending`: for large runs
 * particles.nc is still being written in a thread (await it before using the files).
 */
export async function writeDataProducts(
  ctx: ProductContext,
  outDir: string,
  selection: readonly ProductName[],
  opts: DataProductsOptions = {},
): Promise<{
  grids: DensityResult | undefined;
  files: Partial<Record<ProductName, string>>;
  pending: Promise<void>;
}> {
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
    pending = import("./particles-nc-thread.js").then((m) =>
      m.writeParticlesNetcdfInThread(ctx, netcdfFile, opts.netcdf),
    );
    // Awaited by the caller; until then a failure must not count as unhandled.
    pending.catch(() => undefined);
  }
  const grids = opts.analysis || needsAnalysis(selection) ? await analyse(ctx) : undefined;
  const wanted = productsAt("data").filter((p) => selection.includes(p.name));
  const input: ProductInput = {
    ctx,
    grids: grids ?? NO_ANALYSIS,
    areas: ctx.searchAreas ?? [],
    netcdf: opts.netcdf,
  };
  const files: Partial<Record<ProductName, string>> = {};
  for (let m = 0; m < wanted.length; m++) {
    const product = wanted[m];
    opts.onProgress?.(m / wanted.length, product.name);
    const file = path.resolve(outDir, product.file);
    if (!(product.name === "netcdf" && inThread)) await product.write?.(input, file);
    files[product.name] = file;
  }
  opts.onProgress?.(1, wanted[wanted.length - 1]?.name ?? "netcdf");
  return { grids, files, pending };
}

/** The grids a product gets when none selected reads the analysis: reading them is a registry row's mistake. */
const NO_ANALYSIS = new Proxy({} as DensityResult, {
  get: (_, key) => {
    throw new Error(
      `products: a writer read grids.${String(key)}, but its registry row lacks analysis: true`,
    );
  },
});

/**
 * The density grids with the smoothed density, and the search areas (into ctx.searchAreas). Its modules load
 * here: a run whose products read none of it does not load them.
 */
async function analyse(ctx: ProductContext): Promise<DensityResult> {
  const [{ computeDensity }, { computeSearchAreas }, { analyseScenarios }] = await Promise.all([
    import("./density.js"),
    import("./search-areas.js"),
    import("./scenarios.js"),
  ]);
  const grids = computeDensity(ctx);
  const cells = grids.nx * grids.ny;
  const smoothed = new Float32Array(cells * ctx.trajectory.times.length);
  ctx.searchAreas = computeSearchAreas(ctx, grids, (k, layer) =>
    smoothed.set(layer.gridProbability, k * cells),
  );
  grids.smoothedProbability = smoothed;
  if (ctx.scenarios) ctx.scenarioResults = analyseScenarios(ctx);
  return grids;
}
