// Writes every selected product of a finished run: the data products first (they compute the density
// grids and search areas once), then the pictures and the briefing from the same grids and areas.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { coastlinePolygons } from "../coastline/index.js";
import { renderAnimationGif } from "./animation.js";
import type { ProductContext, ProductName } from "./context.js";
import { PRODUCT_FILES } from "./context.js";
import { writeDataProducts } from "./data-products.js";
import { picturesArea, renderHeatmapPng } from "./heatmap.js";
import type { MapInput } from "./map-render.js";
import { renderReportPdf } from "./report.js";

/** Leeway ASCII lists every particle at every output time: past this many particles it is skipped by default. */
export const ASCII_DEFAULT_MAX_PARTICLES = 100_000;

export async function writeProducts(
  ctx: ProductContext,
  outDir: string,
  selection: readonly ProductName[],
  onProgress?: (fraction: number, product: string) => void,
): Promise<Partial<Record<ProductName, string>>> {
  const pictures = (["png", "gif", "pdf"] as const).filter((p) => selection.includes(p));
  const share = pictures.length > 0 ? 0.7 : 1;
  const { grids, files, pending } = await writeDataProducts(ctx, outDir, selection, {
    onProgress: (f, product) => onProgress?.(f * share, product),
  });
  if (pictures.length === 0) {
    await pending;
    return files;
  }

  onProgress?.(share, "coastline");
  const input: MapInput = { ctx, grids, areas: ctx.searchAreas ?? [] };
  if (ctx.simulation.coastline !== "none" || ctx.landmask) {
    const area = picturesArea(input);
    // Without the GSHHG data the pictures still draw, with the density grid's land cells instead.
    input.coastline = await coastlinePolygons(area, { simplifyM: area.simplifyM }).catch(() => undefined);
  }
  let png: Uint8Array | undefined;
  for (let m = 0; m < pictures.length; m++) {
    const product = pictures[m];
    onProgress?.(share + ((1 - share) * m) / pictures.length, product);
    const file = path.resolve(outDir, PRODUCT_FILES[product]);
    if (product === "png") {
      png = await renderHeatmapPng(input);
      await writeFile(file, png);
    } else if (product === "gif") {
      await writeFile(file, await renderAnimationGif(input));
    } else {
      await writeFile(
        file,
        await renderReportPdf({ ...input, heatmapPng: png ?? (await renderHeatmapPng(input)) }),
      );
    }
    files[product] = file;
  }
  onProgress?.(1, "netcdf"); // waiting for particles.nc, when a thread writes it
  await pending;
  return files;
}
