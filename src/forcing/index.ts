// Forcing: the winds and currents a drift simulation runs on, read from the files ocean and weather
// services publish.
//
// Shape of the module (NetCDF reading itself is in src/io/netcdf):
//   format.ts      ForcingFormat {label, sniff, describe, open}: one per file format; formats.ts lists
//                  them (FORCING_FORMATS) and picks a file's format from its first bytes.
//   netcdf-format.ts  NetCDF files → sources (files on one grid become one time series).
//   grib-source.ts 10 m wind from GRIB2 (decoder in grib2/, another module) on the same field/sampler.
//   cf.ts          CF decoding: packing, fill/missing/valid range, time units and calendars.
//   grid-mapping.ts  a grid's projection from CF grid_mapping attributes or a proj4 string.
//   projection.ts  the projections: closed forms for the common ones, proj4js for the rest; grid-north
//                  azimuth for vector rotation (as OpenDrift).
//   discover.ts    finds the wind or current vector in a file (standard names, aliases, ROMS u/v), its
//                  time/level/y/x dimensions, the surface (or 10 m) level and the grid.
//   field.ts       GriddedField: the decoded state as plain typed arrays + numbers (u/v in
//                  SharedArrayBuffer), the land fill and the stateless, allocation-free sampler. In a
//                  worker: sampleGriddedField(field, field.projection && makeProjector(field.projection), …).
//   field-source.ts  GriddedSampler (TypeScript or WebAssembly sampling) and FieldSource, the source a
//                  step thread rebuilds; wasm-sampling.ts feeds the kernel.
//   gridded-source.ts  ForcingSource over a time series of fields of one grid: prepare(window) reads the
//                  needed times and sub-area, sample() interpolates.
//   roms-cgrid.ts  ROMS as a C-grid: u from the u-points, v from the v-points (the default);
//                  roms-opendrift.ts reads ROMS as OpenDrift's reader_ROMS_native (compatibility
//                  "opendrift", with delaunay-index.ts); roms-file.ts what both read from the file.
//   catalog.ts     indexes a directory (cached JSON keyed by path, size, mtime), selects sources for a
//                  window; s3.ts fills a local cache from the platform's environmental-data bucket.
// This file: buildForcing (scenario spec → ForcingSet, sources chained by priority) and checkCoverage.
import { isAbsolute, resolve } from "node:path";
import { biasSource } from "../core/bias-source.js";
import { constantSource } from "../core/constant-source.js";
import type { Compatibility, ForcingSet, ForcingSource, ForcingWindow } from "../core/types.js";
import type { ObjectStorage } from "../io/object-storage.js";
import { type Catalog, scanCatalog, selectFromCatalog } from "./catalog.js";
import { isoMinute } from "./cf.js";
import type { VectorKind } from "./discover.js";
import { ForcingCoverageError } from "./errors.js";
import { sourcesForPaths } from "./formats.js";
import { syncS3Forcing } from "./s3.js";

export { constantSource } from "../core/constant-source.js";
export { openNetcdf } from "../io/netcdf/open.js";
export type { NetcdfFile } from "../io/netcdf/types.js";
export { type Catalog, type CatalogEntry, scanCatalog, selectFromCatalog } from "./catalog.js";
export { discoverVector, type VectorKind, type VectorLayout } from "./discover.js";
export { ForcingCoverageError, ForcingFileError } from "./errors.js";
export { type GriddedField, sampleGriddedField } from "./field.js";
export type { FileDescription, ForcingFormat, VectorDescription } from "./format.js";
export { describeFile, FORCING_FORMATS, formatOf, sourcesForPaths } from "./formats.js";
export { filePool, GriddedSource } from "./gridded-source.js";
export { layoutOf, openVectorSources } from "./netcdf-format.js";
export { makeProjector, type ProjectionSpec } from "./projection.js";
export { syncS3Forcing } from "./s3.js";

export type VariableSpec =
  | { constant: { x: number; y: number } }
  | { bias: { x: number; y: number } }
  | { files: string[] }
  | { catalog: true };

export interface ForcingSpec {
  wind: VariableSpec | VariableSpec[];
  current: VariableSpec | VariableSpec[];
}

/** What a run's forcing was, one entry per variable and source (written into the products). */
export interface ForcingProvenance {
  variable: "wind" | "current";
  name: string;
  [key: string]: string | number;
}

export interface BuildForcingOptions {
  /** Directory that file names are relative to and the catalog's root (default $FORCING_DIR, else cwd). */
  forcingDir?: string;
  window: ForcingWindow;
  /** Where the catalog keeps its index (default: inside forcingDir, else the system temp directory). */
  catalogCacheFile?: string;
  /** Fill the catalog from the platform bucket first (files land in cacheDir, which is then indexed). */
  s3?: { storage: ObjectStorage; bucket?: string; cacheDir: string };
  /** "opendrift": ROMS files read as OpenDrift's reader_ROMS_native does (see roms-opendrift.ts). */
  compatibility?: Compatibility;
}

function specList(v: VariableSpec | VariableSpec[] | undefined, variable: VectorKind): VariableSpec[] {
  if (v === undefined)
    throw new Error(`forcing.${variable}: missing (give {constant:{x,y}}, {files:[…]} or {catalog:true})`);
  const list = Array.isArray(v) ? v : [v];
  list.forEach((s, i) => {
    const where = Array.isArray(v) ? `forcing.${variable}[${i}]` : `forcing.${variable}`;
    const o = s as Record<string, unknown>;
    if (o && typeof o === "object" && ("constant" in o || "bias" in o)) {
      const key = "constant" in o ? "constant" : "bias";
      const c = o[key] as Record<string, unknown> | null;
      if (!c || !Number.isFinite(c.x) || !Number.isFinite(c.y)) {
        throw new Error(`${where}.${key}: needs finite numbers x and y (m/s east and north)`);
      }
    } else if (o && typeof o === "object" && "files" in o) {
      const f = o.files;
      if (!Array.isArray(f) || f.length === 0 || !f.every((x) => typeof x === "string" && x.length > 0)) {
        throw new Error(`${where}.files: needs a non-empty list of file names`);
      }
    } else if (!(o && typeof o === "object" && o.catalog === true)) {
      throw new Error(`${where}: expected {constant:{x,y}}, {files:[…]} or {catalog:true}`);
    }
  });
  return list;
}

/**
 * Builds the forcing of a run: for wind and current, the sources of the spec in priority order
 * (constant values, named files, or the files the catalog finds for the window), each prepared for the
 * window. Throws ForcingFileError for an unusable named file, Error for an invalid spec.
 */
export async function buildForcing(
  spec: ForcingSpec,
  opts: BuildForcingOptions,
): Promise<{ set: ForcingSet; provenance: ForcingProvenance[] }> {
  const dir = opts.forcingDir ?? process.env.FORCING_DIR ?? process.cwd();
  const set: ForcingSet = { wind: [], current: [] };
  const provenance: ForcingProvenance[] = [];
  let catalog: Catalog | null = null;
  const getCatalog = async (): Promise<Catalog> => {
    if (catalog) return catalog;
    let root = dir;
    if (opts.s3) {
      await syncS3Forcing(opts.s3.storage, {
        bucket: opts.s3.bucket,
        cacheDir: opts.s3.cacheDir,
        window: opts.window,
      });
      root = opts.s3.cacheDir;
    }
    catalog = await scanCatalog(root, { cacheFile: opts.catalogCacheFile });
    return catalog;
  };
  for (const variable of ["wind", "current"] as const) {
    for (const s of specList(spec[variable], variable)) {
      let sources: ForcingSource[] = [];
      let type: string;
      if ("constant" in s) {
        type = "constant";
        sources = [
          constantSource(s.constant.x, s.constant.y, `constant ${s.constant.x},${s.constant.y} m/s`),
        ];
      } else if ("bias" in s) {
        type = "bias";
        sources = [biasSource(s.bias.x, s.bias.y)];
      } else if ("files" in s) {
        type = "file";
        sources = await sourcesForPaths(
          s.files.map((f) => (isAbsolute(f) ? f : resolve(dir, f))),
          variable,
          false,
          opts.compatibility,
        );
      } else {
        type = "catalog";
        const cat = await getCatalog();
        // A file that changed since it was indexed and no longer reads is skipped.
        for (const paths of selectFromCatalog(cat, variable, opts.window)) {
          sources.push(...(await sourcesForPaths(paths, variable, true, opts.compatibility)));
        }
        if (sources.length === 0) {
          set.catalogText ??= {};
          set.catalogText[variable] = catalogCoverageText(cat, variable);
        }
      }
      for (const src of sources) {
        await src.prepare?.(opts.window);
        set[variable].push(src);
        provenance.push({ variable, name: src.name, ...(src.provenance ?? {}), type });
      }
    }
  }
  return { set, provenance };
}

function formatLon(lon: number): string {
  const l = ((((lon + 180) % 360) + 360) % 360) - 180;
  return `${Math.abs(l).toFixed(1)}${l < 0 ? "W" : "E"}`;
}
function formatLat(lat: number): string {
  return `${Math.abs(lat).toFixed(1)}${lat < 0 ? "S" : "N"}`;
}

/**
 * Throws ForcingCoverageError unless both wind and current have a source with data at (lon, lat) at
 * `time` (Unix s); the message names the point and what each source covers.
 */
export function checkCoverage(set: ForcingSet, lon: number, lat: number, time: number): void {
  const L = Float64Array.of(lon);
  const A = Float64Array.of(lat);
  const u = new Float64Array(1);
  const v = new Float64Array(1);
  const need = new Uint8Array(1);
  for (const variable of ["wind", "current"] as const) {
    const sources = set[variable];
    need[0] = 1;
    for (const s of sources) {
      s.sample(time, L, A, 1, need, u, v);
      if (need[0] === 0) break;
    }
    if (need[0] === 0) continue;
    const where = `${formatLon(lon)} ${formatLat(lat)} at ${isoMinute(time)}`;
    const what = sources.length
      ? `sources ${sources.map((s) => `${s.name} cover ${s.coverageText}`).join("; ")}`
      : (set.catalogText?.[variable] ?? "no sources configured");
    throw new ForcingCoverageError(variable, `no ${variable} forcing covers ${where}: ${what}`);
  }
}

/** "the forcing directory's wind files cover: a.nc 0.0E..30.0E 55.0N..75.0N 2016-02-01T00:00Z..2016-02-05T12:00Z; …" */
function catalogCoverageText(cat: Catalog, variable: VectorKind): string {
  const parts: string[] = [];
  for (const e of cat.entries) {
    if (e.error) continue;
    for (const v of e.vectors) {
      if (v.kind !== variable) continue;
      const a = v.area;
      parts.push(
        `${e.file} ${formatLon(a.west)}..${formatLon(a.east)} ${formatLat(a.south)}..${formatLat(a.north)} ${isoMinute(v.timeStart)}..${isoMinute(v.timeEnd)}`,
      );
    }
  }
  return parts.length > 0
    ? `the forcing directory's ${variable} files cover ${parts.join("; ")}`
    : `the forcing directory has no ${variable} files`;
}
