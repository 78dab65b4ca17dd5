// From file paths to forcing sources: each file is opened (headers and coordinates only), its wind or
// current found, and files on the same grid with the same variables are joined into one time series
// (a model's daily files, or successive forecast cycles where the newer one wins for shared times).
import type { ForcingSource } from "../core/types.js";
import type { VectorKind, VectorLayout } from "./discover.js";
import { discoverVector, lookedFor } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import { Grib2WindSource } from "./grib-source.js";
import { GriddedSource, type TimeSlice } from "./gridded-source.js";
import { openNetcdf, sniffContainer } from "./netcdf/open.js";

/** A key equal for files whose fields can be joined along time. */
export function gridSignature(l: VectorLayout): string {
  const g = l.grid;
  const head =
    g.kind === "curvilinear"
      ? `${g.lon[0]},${g.lat[0]},${g.lon[g.lon.length - 1]},${g.lat[g.lat.length - 1]}`
      : `${g.x[0]},${g.x[g.nx - 1]},${g.y[0]},${g.y[g.ny - 1]},${JSON.stringify(g.projection)}`;
  return [l.kind, g.kind, g.nx, g.ny, head, l.u, l.v, l.level?.index ?? "", l.stagger].join("|");
}

/** Finds the vector in one file, or throws ForcingFileError saying what is missing. */
export async function layoutOf(path: string, kind: VectorKind): Promise<VectorLayout> {
  const file = await openNetcdf(path);
  try {
    const layout = discoverVector(file, kind);
    if (!layout) {
      const other = discoverVector(file, kind === "wind" ? "current" : "wind");
      const has = other
        ? ` (it has ${other.kind}: ${other.u}/${other.v})`
        : " and no wind nor current either";
      throw new ForcingFileError(path, `has no ${kind} variables${has}; looked for ${lookedFor(kind)}`);
    }
    return layout;
  } finally {
    file.close();
  }
}

/**
 * Sources for a list of files, in the order of their first appearance; files that share a grid are
 * one source. Later files win where times repeat (newer forecasts listed after older ones).
 */
export function sourcesFromLayouts(
  entries: { path: string; layout: VectorLayout; name?: string }[],
): GriddedSource[] {
  const groups = new Map<string, { path: string; layout: VectorLayout }[]>();
  for (const e of entries) {
    const key = gridSignature(e.layout);
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const sources: GriddedSource[] = [];
  for (const members of groups.values()) {
    const byTime = new Map<number, TimeSlice>();
    for (const m of members) {
      m.layout.times.forEach((time, tIndex) => {
        byTime.set(time, { path: m.path, tIndex, time, layout: m.layout });
      });
    }
    sources.push(new GriddedSource([...byTime.values()]));
  }
  return sources;
}

/**
 * Sources for a list of NetCDF and GRIB2 files (GRIB2: 10 m wind only), in the order given; files on
 * one grid form one time series. `skipBad` drops unusable files instead of throwing (catalog use).
 */
export async function sourcesForPaths(
  paths: string[],
  kind: VectorKind,
  skipBad = false,
): Promise<ForcingSource[]> {
  const entries: { path: string; layout: VectorLayout }[] = [];
  const grib: string[] = [];
  for (const path of paths) {
    try {
      if (sniffContainer(path) === "grib") {
        if (kind !== "wind")
          throw new ForcingFileError(path, `has no ${kind} variables (GRIB2 files give 10 m wind only)`);
        grib.push(path);
      } else entries.push({ path, layout: await layoutOf(path, kind) });
    } catch (e) {
      if (!(skipBad && e instanceof ForcingFileError)) throw e;
    }
  }
  const sources: ForcingSource[] = sourcesFromLayouts(entries);
  if (grib.length) {
    try {
      sources.push(new Grib2WindSource(grib));
    } catch (e) {
      if (!(skipBad && e instanceof ForcingFileError)) throw e;
    }
  }
  return sources;
}

export async function openVectorSources(paths: string[], kind: VectorKind): Promise<GriddedSource[]> {
  const entries: { path: string; layout: VectorLayout }[] = [];
  for (const path of paths) entries.push({ path, layout: await layoutOf(path, kind) });
  return sourcesFromLayouts(entries);
}
