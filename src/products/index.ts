// Writes every selected product of a finished run: the data products first (they compute the density
// grids and search areas once), then the pictures and the briefing from the same grids and areas.
import path from "node:path";
import { coastlinePolygons } from "../coastline/index.js";
import type { ProductContext } from "./context.js";
import { writeDataProducts } from "./data-products.js";
import { type ProductInput, type ProductName, productsAt } from "./registry.js";

/** Leeway ASCII lists every particle at every output time: past this many particles it is skipped by default. */
export const ASCII_DEFAULT_MAX_PARTICLES = 100_000;

export async function writeProducts(
  ctx: ProductContext,
  outDir: string,
  selection: readonly ProductName[],
  onProgress?: (fraction: number, product: string) => void,
  /** Compute the search areas even when no selected product reads them (writeDataProducts' `analysis`). */
  analysis?: boolean,
): Promise<Partial<Record<ProductName, string>>> {
  const pictures = productsAt("picture").filter((p) => selection.includes(p.name));
  const share = pictures.length > 0 ? 0.7 : 1;
  const { grids, files, pending } = await writeDataProducts(ctx, outDir, selection, {
    analysis,
    onProgress: (f, product) => onProgress?.(f * share, product),
  });
  if (pictures.length === 0) {
    await pending;
    return files;
  }

  // Every picture reads the analysis (registry rows), so the grids are there.
  if (!grids) throw new Error("products: pictures asked for without the density grids");
  onProgress?.(share, "coastline");
  const input: ProductInput = { ctx, grids, areas: ctx.searchAreas ?? [] };
  if (ctx.simulation.coastline !== "none" || ctx.landmask) {
    const area = (await import("./heatmap.js")).picturesArea(input);
    // Without the GSHHG data the pictures still draw, with the density grid's land cells instead.
    input.coastline = await coastlinePolygons(area, { simplifyM: area.simplifyM }).catch(() => undefined);
  }
  for (let m = 0; m < pictures.length; m++) {
    const product = pictures[m];
    onProgress?.(share + ((1 - share) * m) / pictures.length, product.name);
    const file = path.resolve(outDir, product.file);
    await product.write?.(input, file);
    files[product.name] = file;
  }
  onProgress?.(1, "netcdf"); // waiting for particles.nc, when a thread writes it
  await pending;
  return files;
}
