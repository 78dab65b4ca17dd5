// What both ROMS readers read from a ROMS file: hyperslabs of u and v at one time and the surface level,
// the velocity masks as the model defines them, and the rotation angle. Decoding follows xarray's CF
// decoding (which is what OpenDrift sees): small packed integers with a fill value, or without an offset,
// decode in float32; everything else in float64.

import { basename } from "node:path";
import { type NcVariable, type NetcdfFile, numAttr, numsAttr } from "../io/netcdf/types.js";
import { formatBox, gridArea } from "./area.js";
import { isoMinute } from "./cf.js";
import { ForcingFileError } from "./errors.js";
import type { TimeSlice } from "./gridded-source.js";

/** Start and count of the hyperslab of a variable laid out as `roles` at one time and level. */
export function hyperslab(
  roles: readonly string[],
  tIndex: number,
  level: number,
  y0: number,
  yn: number,
  x0: number,
  xn: number,
  member = 0,
): { start: number[]; count: number[] } {
  const start: number[] = [];
  const count: number[] = [];
  for (const role of roles) {
    const [s, c] =
      role === "time"
        ? [tIndex, 1]
        : role === "level"
          ? [level, 1]
          : role === "y"
            ? [y0, yn]
            : role === "x"
              ? [x0, xn]
              : role === "member"
                ? [member, 1]
                : [0, 1];
    start.push(s);
    count.push(c);
  }
  return { start, count };
}

const SMALL_INTEGERS = new Set(["byte", "ubyte", "short", "ushort"]);

/**
 * Decodes raw values in place as xarray's decode_cf does: values equal to _FillValue or missing_value
 * become NaN, then scale_factor and add_offset apply, in float32 for float32 data and for 8/16-bit
 * integers with a fill value or without an offset (xarray promotes those to float32), else in float64.
 */
export function decodeLikeXarray(v: NcVariable, raw: Float64Array): Float64Array {
  const fills = [...(numsAttr(v, "_FillValue") ?? []), ...(numsAttr(v, "missing_value") ?? [])];
  const scale = numAttr(v, "scale_factor");
  const offset = numAttr(v, "add_offset");
  const f32 =
    v.type === "float" || (SMALL_INTEGERS.has(v.type) && (fills.length > 0 || offset === undefined));
  const f = Math.fround;
  const s32 = scale === undefined ? 1 : f(scale);
  const o32 = offset === undefined ? 0 : f(offset);
  for (let k = 0; k < raw.length; k++) {
    let x = raw[k];
    if (fills.includes(x)) {
      raw[k] = Number.NaN;
      continue;
    }
    if (f32) {
      x = f(x);
      if (scale !== undefined) x = f(x * s32);
      if (offset !== undefined) x = f(x + o32);
    } else {
      if (scale !== undefined) x *= scale;
      if (offset !== undefined) x += offset;
    }
    raw[k] = x;
  }
  return raw;
}

/** A whole 2-D grid variable decoded as xarray does, or null when the file has none by that name. */
export function readGridVariable(file: NetcdfFile, name: string): Float64Array | null {
  const v = file.variables.get(name);
  if (!v) return null;
  return decodeLikeXarray(v, file.readAll(name));
}

/**
 * The land/sea mask of a velocity variable, chosen as OpenDrift does: the mask_* variable on the same two
 * horizontal dimensions (mask_u for u on eta_u × xi_u). 1 = water, 0 = land; null when there is none.
 */
export function velocityMask(
  file: NetcdfFile,
  velocity: NcVariable,
): { mask: Float64Array; nx: number } | null {
  const dims = velocity.dims.slice(-2).join();
  for (const name of ["mask_rho", "mask_u", "mask_v", "mask_psi"]) {
    const m = file.variables.get(name);
    if (m && m.dims.join() === dims) return { mask: readGridVariable(file, name)!, nx: m.shape[1] };
  }
  return null;
}

/** The grid angle (radians, from east to the xi axis) at rho points; zeros when the file has none. */
export function gridAngle(file: NetcdfFile, nx: number, ny: number): Float64Array {
  const a = readGridVariable(file, "angle");
  if (!a) return new Float64Array(nx * ny);
  if (a.length !== nx * ny) throw new ForcingFileError(file.path, "angle is not on the rho grid");
  return a;
}

/** The shape (rows, columns) of a variable's last two dimensions. */
export function horizontalShape(v: NcVariable): [number, number] {
  return [v.shape[v.shape.length - 2], v.shape[v.shape.length - 1]];
}

/** Name, time range, coverage and provenance of a ROMS time series (slices sorted by time). */
export function describeRomsSeries(
  slices: TimeSlice[],
  reading: string,
): {
  name: string;
  timeRange: [number, number];
  coverageText: string;
  provenance: Record<string, string | number>;
} {
  const layout = slices[0].layout;
  const grid = layout.grid;
  const files = [...new Set(slices.map((s) => basename(s.path)))];
  const name =
    files.length === 1 ? files[0] : `${files[0]} … ${files[files.length - 1]} (${files.length} files)`;
  const timeRange: [number, number] = [slices[0].time, slices[slices.length - 1].time];
  const area = gridArea(grid);
  const when = `${isoMinute(timeRange[0])}..${isoMinute(timeRange[1])}`;
  return {
    name,
    timeRange,
    coverageText: `${formatBox(area)}, ${when}`,
    provenance: {
      type: "file",
      files: files.join(", "),
      variables: `${layout.u}, ${layout.v} (${layout.standardNames.join(", ")})`,
      grid: `ROMS ${grid.nx}×${grid.ny} (lon_rho/lat_rho), ${reading}`,
      ...(layout.level ? { level: `${layout.level.dim} #${layout.level.index}` } : {}),
      area: formatBox(area),
      timeStart: isoMinute(timeRange[0]),
      timeEnd: isoMinute(timeRange[1]),
      timeSteps: slices.length,
    },
  };
}
