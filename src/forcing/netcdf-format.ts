// NetCDF forcing (classic, 64-bit offset, CDF-5, NetCDF-4): each file is opened (headers and coordinates
// only), its wind or current found, and files on the same grid with the same variables are joined into
// one time series (a model's daily files, or successive forecast cycles where the newer one wins for
// shared times).
import type { Compatibility, ForcingSource } from "../core/types.js";
import { netcdfContainer, openNetcdf } from "../io/netcdf/open.js";
import { strAttr } from "../io/netcdf/types.js";
import { gridArea, gridOutline } from "./area.js";
import { discoverVector, type GridInfo, lookedFor, type VectorKind, type VectorLayout } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import type { ForcingFormat, VectorDescription } from "./format.js";
import { projectionText } from "./grid-mapping.js";
import { fileTitle, GriddedSource, gridText, type TimeSlice } from "./gridded-source.js";
import { makeProjector } from "./projection.js";
import { RomsCGridSource } from "./roms-cgrid.js";
import { RomsOpenDriftSource } from "./roms-opendrift.js";

/** A key equal for files whose fields can be joined along time. */
export function gridSignature(l: VectorLayout): string {
  const g = l.grid;
  const head =
    g.kind === "curvilinear"
      ? `${g.lon[0]},${g.lat[0]},${g.lon[g.lon.length - 1]},${g.lat[g.lat.length - 1]}`
      : `${g.x[0]},${g.x[g.nx - 1]},${g.y[0]},${g.y[g.ny - 1]},${JSON.stringify(g.projection)}`;
  return [
    l.kind,
    g.kind,
    g.nx,
    g.ny,
    head,
    l.u,
    l.v,
    l.level?.index ?? "",
    l.stagger,
    l.member?.index ?? "",
  ].join("|");
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

/** The reader of a ROMS time series (C-grid, or as OpenDrift reads it), or null for other grids. */
function romsSource(slices: TimeSlice[], compatibility: Compatibility): ForcingSource | null {
  if (slices[0].layout.stagger !== "roms") return null;
  return compatibility === "opendrift" ? new RomsOpenDriftSource(slices) : new RomsCGridSource(slices);
}

/**
 * Sources for a list of files, in the order of their first appearance; files that share a grid are
 * one source. Later files win where times repeat (newer forecasts listed after older ones).
 */
export function sourcesFromLayouts(
  entries: { path: string; layout: VectorLayout; name?: string }[],
  compatibility: Compatibility = "exact",
): ForcingSource[] {
  const groups = new Map<string, { path: string; layout: VectorLayout }[]>();
  for (const e of entries) {
    const key = gridSignature(e.layout);
    const list = groups.get(key) ?? [];
    list.push(e);
    groups.set(key, list);
  }
  const sources: ForcingSource[] = [];
  for (const members of groups.values()) {
    const byTime = new Map<number, TimeSlice>();
    for (const m of members) {
      m.layout.times.forEach((time, tIndex) => {
        byTime.set(time, { path: m.path, tIndex, time, layout: m.layout });
      });
    }
    const slices = [...byTime.values()];
    sources.push(romsSource(slices, compatibility) ?? new GriddedSource(slices));
  }
  return sources;
}

/** Sources for NetCDF files in the order given; `skipBad` drops unusable files instead of throwing. */
async function openNetcdfSources(
  paths: string[],
  kind: VectorKind,
  skipBad: boolean,
  compatibility: Compatibility = "exact",
): Promise<ForcingSource[]> {
  const entries: { path: string; layout: VectorLayout }[] = [];
  for (const path of paths) {
    try {
      entries.push({ path, layout: await layoutOf(path, kind) });
    } catch (e) {
      if (!(skipBad && e instanceof ForcingFileError)) throw e;
    }
  }
  return sourcesFromLayouts(entries, compatibility);
}

/** Sources of files that must open (tests and tools); ROMS files give a ROMS reader, not a GriddedSource. */
export async function openVectorSources(paths: string[], kind: VectorKind): Promise<GriddedSource[]> {
  const entries: { path: string; layout: VectorLayout }[] = [];
  for (const path of paths) entries.push({ path, layout: await layoutOf(path, kind) });
  return sourcesFromLayouts(entries) as GriddedSource[];
}

function outlineOf(grid: GridInfo): { outline?: [number, number][] } {
  const outline = gridOutline(grid);
  return outline ? { outline } : {};
}

function resolutionM(grid: GridInfo): number {
  if (grid.kind === "curvilinear") {
    const c = (grid.ny >> 1) * grid.nx + (grid.nx >> 1);
    const dLat = (grid.lat[c + 1] - grid.lat[c]) * 111320;
    const dLon = (grid.lon[c + 1] - grid.lon[c]) * 111320 * Math.cos((grid.lat[c] * Math.PI) / 180);
    return Math.hypot(dLat, dLon);
  }
  const dx = Math.abs(grid.x[1] - grid.x[0]);
  const dy = Math.abs(grid.y[1] - grid.y[0]);
  if (grid.kind === "lonlat" || makeProjector(grid.projection).degrees) {
    const midLat = grid.kind === "lonlat" ? (grid.y[0] + grid.y[grid.ny - 1]) / 2 : 0;
    return Math.sqrt(dx * 111320 * Math.cos((midLat * Math.PI) / 180) * dy * 111320);
  }
  return Math.sqrt(dx * dy);
}

export function describeLayout(l: VectorLayout): VectorDescription {
  const t = l.times;
  let step: number | undefined;
  if (t.length > 1) {
    const first = t[1] - t[0];
    step = first;
    for (let i = 2; i < t.length; i++) if (Math.abs(t[i] - t[i - 1] - first) > 1e-3) step = undefined;
  }
  const g = l.grid;
  return {
    kind: l.kind,
    u: l.u,
    v: l.v,
    standardNames: l.standardNames,
    gridRelative: l.gridRelative,
    stagger: l.stagger,
    dims: l.dims.join("×"),
    ...(l.level
      ? {
          level: `${l.level.dim}[${l.level.index}]${Number.isNaN(l.level.value) ? "" : ` = ${l.level.value}${l.level.units ? ` ${l.level.units}` : ""}`}`,
        }
      : {}),
    grid: gridText(g),
    ...(g.kind !== "curvilinear"
      ? { projection: projectionText(g.projection), projectionSource: g.projection.source }
      : {}),
    area: gridArea(g),
    ...outlineOf(g),
    timeStart: t[0],
    timeEnd: t[t.length - 1],
    timeSteps: t.length,
    ...(step !== undefined ? { timeStepSeconds: step } : {}),
    resolutionM: resolutionM(g),
    signature: gridSignature(l),
  };
}

export const NETCDF_FORMAT: ForcingFormat = {
  label: "NetCDF file (classic CDF or NetCDF-4/HDF5)",
  sniff: (head) => netcdfContainer(head) !== null,
  async describe(path, size) {
    const file = await openNetcdf(path);
    try {
      const vectors: VectorDescription[] = [];
      const notes: string[] = [];
      for (const kind of ["wind", "current"] as const) {
        const layout = discoverVector(file, kind);
        if (layout) vectors.push(describeLayout(layout));
        else notes.push(`no ${kind}`);
      }
      const variables = [...file.variables.values()].map((v) => {
        const sn = strAttr(v, "standard_name");
        return `${v.name}(${v.dims.join(",")})${sn ? ` ${sn}` : ""}`;
      });
      return {
        path,
        size,
        format: `NetCDF ${file.format}`,
        title: fileTitle(file),
        vectors,
        notes,
        variables,
      };
    } finally {
      file.close();
    }
  },
  open: openNetcdfSources,
};
