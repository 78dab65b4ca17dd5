// The forcing formats, one row each: a file's format is the first whose sniff accepts its leading bytes.
// Used by the catalog, by `driftline forcing inspect` and by buildForcing. To add a format, write one
// ForcingFormat (see format.ts) and add its row here.
import { statSync } from "node:fs";
import type { Compatibility, ForcingSource } from "../core/types.js";
import { readFileHead } from "../io/file-head.js";
import { isoMinute } from "./cf.js";
import type { VectorKind } from "./discover.js";
import { ForcingFileError } from "./errors.js";
import { type FileDescription, FORMAT_HEAD_BYTES, type ForcingFormat } from "./format.js";
import { NETCDF_FORMAT } from "./netcdf-format.js";

/** GRIB2 (its decoders are 14 modules) loads on the first GRIB2 file; the signature is told here. */
const grib2 = async () => (await import("./grib-source.js")).GRIB2_FORMAT;
export const GRIB2_LAZY: ForcingFormat = {
  label: "GRIB2 file",
  sniff: (head) =>
    head.length >= 4 && head[0] === 0x47 && head[1] === 0x52 && head[2] === 0x49 && head[3] === 0x42,
  describe: async (path, size) => (await grib2()).describe(path, size),
  open: async (paths, kind, skipBad, compatibility) =>
    (await grib2()).open(paths, kind, skipBad, compatibility),
};

export const FORCING_FORMATS: readonly ForcingFormat[] = [NETCDF_FORMAT, GRIB2_LAZY];

/** The format of a file from its leading bytes, or null when none knows it (README, scripts …). */
export function formatOf(path: string): ForcingFormat | null {
  const head = readFileHead(path, FORMAT_HEAD_BYTES);
  return FORCING_FORMATS.find((f) => f.sniff(head)) ?? null;
}

function requireFormat(path: string): ForcingFormat {
  const format = formatOf(path);
  if (!format)
    throw new ForcingFileError(path, `not a ${FORCING_FORMATS.map((f) => f.label).join(" nor a ")}`);
  return format;
}

/** Describes a forcing file; throws ForcingFileError when it cannot be read at all. */
export async function describeFile(path: string): Promise<FileDescription> {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new ForcingFileError(path, `cannot open: ${(e as Error).message}`);
  }
  return requireFormat(path).describe(path, size);
}

/**
 * Sources for a list of forcing files, by format in the order of FORCING_FORMATS and within a format in
 * the order given; files on one grid form one time series. `skipBad` drops unusable files instead of
 * throwing (catalog use).
 */
export async function sourcesForPaths(
  paths: string[],
  kind: VectorKind,
  skipBad = false,
  compatibility: Compatibility = "exact",
): Promise<ForcingSource[]> {
  const byFormat = new Map<ForcingFormat, string[]>(FORCING_FORMATS.map((f) => [f, []]));
  for (const path of paths) {
    try {
      byFormat.get(requireFormat(path))!.push(path);
    } catch (e) {
      if (!(skipBad && e instanceof ForcingFileError)) throw e;
    }
  }
  const sources: ForcingSource[] = [];
  for (const [format, list] of byFormat)
    if (list.length) sources.push(...(await format.open(list, kind, skipBad, compatibility)));
  return sources;
}

/** Human-readable text of a description (for `driftline forcing inspect`). */
export function formatDescription(d: FileDescription): string {
  const lines = [`file: ${d.path}`, `format: ${d.format}, ${(d.size / 1e6).toFixed(1)} MB`];
  if (d.title) lines.push(`title: ${d.title}`);
  for (const v of d.vectors) {
    lines.push(
      `${v.kind}: ${v.u}, ${v.v} (${v.standardNames.join(", ")})${v.gridRelative ? ", grid-relative, rotated to east/north" : ""}${v.stagger === "roms" ? ", ROMS C-grid: u and v from their own points" : ""}`,
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
