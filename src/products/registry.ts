// Every product of a run, one row each: its `--products` name, file, content type, the label and the API's
// download format, and how it is written. The CLI, the pipeline, the worker's uploads, storage and the API read
// this table; adding a product is one writer module plus one row here (docs/architecture.md).
import { writeFile } from "node:fs/promises";
import type { MapInput } from "./map-input.js";
import type { ParticlesNetcdfOptions } from "./particles-nc.js";

// Every writer loads on first use: the picture writers (canvas, GIF, PDF) are most of a fresh process's
// module loading otherwise, and a run that asks for particles.nc alone needs none of the others either.
const heatmap = () => import("./heatmap.js");
const csv = () => import("./csv.js");
const geojson = () => import("./geojson.js");
const kml = () => import("./kml.js");

/** What a writer gets: the run, its density grids and search areas (and, for pictures, the coastline). */
export interface ProductInput extends MapInput {
  netcdf?: ParticlesNetcdfOptions;
  /** heatmap.png once drawn: the briefing reuses it. */
  heatmapPng?: Uint8Array;
}

/**
 * When a product is written: `data` from the grids and areas (products/data-products.ts), `picture` after them
 * with the coastline (products/index.ts), `run` by the pipeline itself (summary.json holds the run's timings).
 */
export type ProductStage = "data" | "picture" | "run";

export interface ProductRow {
  /** The `--products` name and the key of RunResult.files. */
  name: string;
  /** File name, fixed: in the output directory and in object keys. */
  file: string;
  contentType: string;
  /** What the page's download list shows. */
  label: string;
  /** The API's `results/download?format=` value. */
  download: string;
  stage: ProductStage;
  /**
   * The writer reads the analysis: the density grids, the smoothed density and the search areas (computed
   * only when a selected product reads them: most of a small run's time).
   */
  analysis?: true;
  /** Writes the product into `file` (an absolute path); undefined for `run` products. */
  write?: (input: ProductInput, file: string) => Promise<unknown>;
}

const NETCDF = "application/x-netcdf";
const GEOJSON = "application/geo+json";
const CSV = "text/csv; charset=utf-8";

/** In the order the page lists them for download and they are written (heatmap.png before report.pdf, which reuses it). */
export const PRODUCTS = [
  {
    name: "netcdf",
    file: "particles.nc",
    contentType: NETCDF,
    label: "Particles (NetCDF)",
    download: "netcdf",
    stage: "data",
    write: async (p, file) => (await import("./particles-nc.js")).writeParticlesNetcdf(p.ctx, file, p.netcdf),
  },
  {
    name: "trajectories",
    file: "trajectories.geojson",
    contentType: GEOJSON,
    label: "Trajectories (GeoJSON)",
    download: "geojson",
    stage: "data",
    write: async (p, file) => (await geojson()).writeTrajectoriesGeoJson(p.ctx, file),
  },
  {
    name: "search_areas",
    file: "search_areas.geojson",
    contentType: GEOJSON,
    label: "Search areas (GeoJSON)",
    download: "search-areas",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await geojson()).writeSearchAreasGeoJson(p.ctx, p.areas, file),
  },
  {
    name: "kml",
    file: "mission.kml",
    contentType: "application/vnd.google-earth.kml+xml",
    label: "Google Earth (KML)",
    download: "kml",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await kml()).writeMissionKml(p.ctx, p.areas, file),
  },
  {
    name: "kmz",
    file: "mission.kmz",
    contentType: "application/vnd.google-earth.kmz",
    label: "Google Earth (KMZ)",
    download: "kmz",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await kml()).writeMissionKmz(p.ctx, p.areas, file),
  },
  {
    name: "png",
    file: "heatmap.png",
    contentType: "image/png",
    label: "Probability map (PNG)",
    download: "png",
    stage: "picture",
    analysis: true,
    write: async (p, file) => {
      p.heatmapPng = await (await heatmap()).renderHeatmapPng(p);
      await writeFile(file, p.heatmapPng);
    },
  },
  {
    name: "gif",
    file: "animation.gif",
    contentType: "image/gif",
    label: "Animation (GIF)",
    download: "gif",
    stage: "picture",
    analysis: true,
    write: async (p, file) => writeFile(file, await (await import("./animation.js")).renderAnimationGif(p)),
  },
  {
    name: "pdf",
    file: "report.pdf",
    contentType: "application/pdf",
    label: "Briefing (PDF)",
    download: "pdf",
    stage: "picture",
    analysis: true,
    write: async (p, file) =>
      writeFile(
        file,
        await (await import("./report.js")).renderReportPdf({
          ...p,
          heatmapPng: p.heatmapPng ?? (await (await heatmap()).renderHeatmapPng(p)),
        }),
      ),
  },
  {
    name: "density",
    file: "density.nc",
    contentType: NETCDF,
    label: "Probability grid (NetCDF)",
    download: "density",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await import("./density.js")).writeDensityNetcdf(p.ctx, p.grids, file),
  },
  {
    name: "csv",
    file: "particles.csv",
    contentType: CSV,
    label: "Particle positions (CSV)",
    download: "csv",
    stage: "data",
    write: async (p, file) => (await csv()).writeParticlesCsv(p.ctx, file),
  },
  {
    name: "areas_csv",
    file: "search_areas.csv",
    contentType: CSV,
    label: "Search-area corners (CSV)",
    download: "areas-csv",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await csv()).writeSearchAreasCsv(p.ctx, p.areas, file),
  },
  {
    name: "gpx",
    file: "search_areas.gpx",
    contentType: "application/gpx+xml",
    label: "Search-area outlines as routes (GPX)",
    download: "gpx",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await import("./gpx.js")).writeSearchAreasGpx(p.ctx, p.areas, file),
  },
  {
    name: "shore",
    file: "shore_stretches.geojson",
    contentType: "application/geo+json",
    label: "Stranding per shore stretch (GeoJSON)",
    download: "shore",
    stage: "data",
    write: async (p, file) => (await import("./shore.js")).writeShoreGeoJson(p.ctx, file),
  },
  {
    name: "agreement",
    file: "agreement.geojson",
    contentType: GEOJSON,
    label: "Forcing-ensemble agreement (GeoJSON)",
    download: "agreement",
    stage: "data",
    analysis: true,
    write: async (p, file) => (await import("./agreement.js")).writeAgreementGeoJson(p.ctx, p.grids, file),
  },
  {
    name: "ascii",
    file: "leeway_ascii.txt",
    contentType: "text/plain; charset=utf-8",
    label: "Leeway ASCII",
    download: "ascii",
    stage: "data",
    write: async (p, file) => (await import("./leeway-ascii.js")).writeLeewayAscii(p.ctx, file),
  },
  {
    name: "summary",
    file: "summary.json",
    contentType: "application/json",
    label: "Summary (JSON)",
    download: "summary",
    stage: "run",
    analysis: true,
  },
] as const satisfies readonly ProductRow[];

export type ProductName = (typeof PRODUCTS)[number]["name"];
export type DownloadFormat = (typeof PRODUCTS)[number]["download"];
export type Product = ProductRow & { name: ProductName; download: DownloadFormat };

/** Every product name, in the table's order. */
export const PRODUCT_NAMES: readonly ProductName[] = PRODUCTS.map((p) => p.name);

/** name → file name, for callers that only need where a product lies. */
export const PRODUCT_FILES = Object.fromEntries(PRODUCTS.map((p) => [p.name, p.file])) as {
  readonly [K in ProductName]: Extract<(typeof PRODUCTS)[number], { name: K }>["file"];
};

const BY_NAME = new Map<string, Product>(PRODUCTS.map((p) => [p.name, p]));
const BY_FILE = new Map<string, Product>(PRODUCTS.map((p) => [p.file, p]));
const BY_DOWNLOAD = new Map<string, Product>(PRODUCTS.map((p) => [p.download, p]));

export function productNamed(name: string): Product | undefined {
  return BY_NAME.get(name);
}

/** The product stored under this file name (the last path segment), if any. */
export function productOfFile(fileName: string): Product | undefined {
  return BY_FILE.get(fileName.slice(Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\")) + 1));
}

export function productForDownload(format: string): Product | undefined {
  return BY_DOWNLOAD.get(format);
}

/** Does any of these products read the analysis (density grids, smoothed density, search areas)? */
export function needsAnalysis(selection: readonly string[]): boolean {
  return PRODUCTS.some((p) => "analysis" in p && selection.includes(p.name));
}

/** The products written at one stage, in the table's order. */
export function productsAt(stage: ProductStage): Product[] {
  return PRODUCTS.filter((p) => p.stage === stage);
}
