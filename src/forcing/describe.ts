// What a forcing file holds, from its headers and coordinates: used by the catalog and by
// `driftline forcing inspect`.
import { statSync } from "node:fs";
import { gridArea, type LonLatBox } from "./area.js";
import { isoMinute } from "./cf.js";
import { discoverVector, type GridInfo, type VectorKind, type VectorLayout } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import { gridSignature } from "./files.js";
import { describeGribWind, gribFieldNames } from "./grib-source.js";
import { describeGrid, fileTitle } from "./gridded-source.js";
import { openNetcdf, sniffContainer } from "./netcdf/open.js";
import { strAttr } from "./netcdf/types.js";
import { describeProjection, makeProjector } from "./projection.js";

export interface VectorDescription {
  kind: VectorKind;
  u: string;
  v: string;
  standardNames: [string, string];
  gridRelative: boolean;
  stagger: "none" | "roms";
  /** "time×depth×Y×X" */
  dims: string;
  level?: string;
  grid: string;
  projection?: string;
  projectionSource?: string;
  area: LonLatBox;
  timeStart: number;
  timeEnd: number;
  timeSteps: number;
  /** Seconds between fields when constant. */
  timeStepSeconds?: number;
  /** Typical grid spacing in metres (to prefer finer models). */
  resolutionM: number;
  /** Equal for files that can be joined along time. */
  signature: string;
}

export interface FileDescription {
  path: string;
  size: number;
  format: string;
  title: string;
  vectors: VectorDescription[];
  /** Why wind or current is not there (for inspect). */
  notes: string[];
  /** Every variable: "name(dims) standard_name". */
  variables: string[];
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
    grid: describeGrid(g),
    ...(g.kind !== "curvilinear"
      ? { projection: describeProjection(g.projection), projectionSource: g.projection.source }
      : {}),
    area: gridArea(g),
    timeStart: t[0],
    timeEnd: t[t.length - 1],
    timeSteps: t.length,
    ...(step !== undefined ? { timeStepSeconds: step } : {}),
    resolutionM: resolutionM(g),
    signature: gridSignature(l),
  };
}

/** Describes a NetCDF file; throws ForcingFileError when it cannot be read at all. */
export async function describeFile(path: string): Promise<FileDescription> {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new ForcingFileError(path, `cannot open: ${(e as Error).message}`);
  }
  if (sniffContainer(path) === "grib") {
    const wind = describeGribWind(path);
    return {
      path,
      size,
      format: "GRIB2",
      title: "",
      vectors: wind ? [wind] : [],
      notes: wind ? ["no current"] : ["no wind", "no current"],
      variables: gribFieldNames(path),
    };
  }
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
    return { path, size, format: `NetCDF ${file.format}`, title: fileTitle(file), vectors, notes, variables };
  } finally {
    file.close();
  }
}

/** Human-readable text of a description (for `driftline forcing inspect`). */
export function formatDescription(d: FileDescription): string {
  const lines = [`file: ${d.path}`, `format: ${d.format}, ${(d.size / 1e6).toFixed(1)} MB`];
  if (d.title) lines.push(`title: ${d.title}`);
  for (const v of d.vectors) {
    lines.push(
      `${v.kind}: ${v.u}, ${v.v} (${v.standardNames.join(", ")})${v.gridRelative ? ", grid-relative, rotated to east/north" : ""}${v.stagger === "roms" ? ", ROMS u/v points averaged to rho points" : ""}`,
    );
    lines.push(`  dimensions: ${v.dims}${v.level ? `; level ${v.level}` : ""}`);
    lines.push(`  grid: ${v.grid}`);
    if (v.projection) lines.push(`  projection: ${v.projection} (from ${v.projectionSource})`);
    lines.push(
      `  area: lon ${v.area.west.toFixed(2)}..${v.area.east.toFixed(2)} E, lat ${v.area.south.toFixed(2)}..${v.area.north.toFixed(2)} N`,
    );
    const every = v.timeStepSeconds
      ? `, every ${v.timeStepSeconds % 3600 === 0 ? `${v.timeStepSeconds / 3600} h` : `${v.timeStepSeconds} s`}`
      : "";
    lines.push(
      `  time: ${isoMinute(v.timeStart)} .. ${isoMinute(v.timeEnd)}, ${v.timeSteps} step${v.timeSteps === 1 ? "" : "s"}${every}`,
    );
  }
  if (d.vectors.length === 0) lines.push("forcing: neither wind nor current found");
  lines.push(`variables: ${d.variables.join("; ")}`);
  return lines.join("\n");
}
