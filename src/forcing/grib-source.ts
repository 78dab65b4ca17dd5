// 10 m wind from GRIB2 files (NOAA GFS, ECMWF open data) through the decoder in ./grib2. The decoded
// lon/lat fields become the same GriddedField as NetCDF forcing and are sampled by the same code.
// Several files of one grid (successive forecast cycles, or one file per step) are read as one stream:
// GRIB messages are self-contained, and where a valid time repeats the latest run wins.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { ForcingSource, ForcingWindow } from "../core/types.js";
import { formatBox, type LonLatBox } from "./area.js";
import { isoMinute } from "./cf.js";
import { ForcingFileError } from "./errors.js";
import { fillFromNeighbours, type GriddedField, sampleGriddedField } from "./field.js";
import type { ForcingFormat, VectorDescription } from "./format.js";
import { type Grib2FieldInfo, type Grib2Wind, gridAxes, readGrib2Wind, scanGrib2 } from "./grib2/index.js";
import { dropUnphysical } from "./limits.js";

/** Instantaneous 10 m U (0/2/2) or V (0/2/3) of the deterministic forecast. */
function isWind10(f: Grib2FieldInfo): boolean {
  return (
    f.discipline === 0 &&
    f.category === 2 &&
    (f.number === 2 || f.number === 3) &&
    f.levelType === 103 &&
    f.levelValue === 10 &&
    (f.productTemplate === 0 || f.productTemplate === 1) &&
    f.member === null
  );
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new ForcingFileError(path, `cannot open: ${(e as Error).message}`);
  }
}

function normaliseBox(
  lon: Float64Array,
  lat: Float64Array,
  step: number,
): { box: LonLatBox; global: boolean } {
  let west = Math.min(lon[0], lon[lon.length - 1]);
  let east = Math.max(lon[0], lon[lon.length - 1]);
  const global = east - west + step >= 360 - 1e-6;
  if (west >= 180) {
    west -= 360;
    east -= 360;
  }
  const south = Math.min(lat[0], lat[lat.length - 1]);
  const north = Math.max(lat[0], lat[lat.length - 1]);
  return { box: global ? { west: -180, east: 180, south, north } : { west, east, south, north }, global };
}

function scan(path: string): Grib2FieldInfo[] {
  try {
    return scanGrib2(readBytes(path));
  } catch (e) {
    if (e instanceof ForcingFileError) throw e;
    throw new ForcingFileError(path, `not a readable GRIB2 file: ${(e as Error).message}`);
  }
}

/** Every field of a GRIB2 file, "10u 103/10" style, for inspect. */
export function gribFieldNames(path: string): string[] {
  return [...new Set(scan(path).map((f) => `${f.shortName} ${f.levelType}/${f.levelValue}`))];
}

/** The 10 m wind of a GRIB2 file from its headers, or null when it has none. */
export function describeGribWind(path: string): VectorDescription | null {
  const fields = scan(path).filter(isWind10);
  const u = fields.filter((f) => f.number === 2);
  const v = new Set(fields.filter((f) => f.number === 3).map((f) => f.validTime));
  const times = [...new Set(u.filter((f) => v.has(f.validTime)).map((f) => f.validTime))].sort(
    (a, b) => a - b,
  );
  if (times.length === 0) return null;
  const g = u[0].grid;
  if (g.template !== 0 && g.template !== 40) {
    throw new ForcingFileError(
      path,
      `GRIB2 grid template 3.${g.template} not supported (allowed: 3.0, 3.40)`,
    );
  }
  const axes = gridAxes(g);
  const step = Math.abs(g.di) || Math.abs(axes.lon[1] - axes.lon[0]);
  const { box } = normaliseBox(axes.lon, axes.lat, step);
  const dLat = Math.abs(axes.lat[1] - axes.lat[0]);
  const midLat = (box.south + box.north) / 2;
  const every = times.length > 1 ? times[1] - times[0] : undefined;
  return {
    kind: "wind",
    u: "10u",
    v: "10v",
    standardNames: ["eastward_wind", "northward_wind"],
    gridRelative: false,
    stagger: "none",
    dims: `time×lat×lon (GRIB2, ${times.length} valid time${times.length === 1 ? "" : "s"})`,
    level: "10 m above ground",
    grid: `lon/lat ${g.ni}×${g.nj}, ${+step.toPrecision(6)}°${g.template === 40 ? " (Gaussian)" : ""}`,
    projection: "+proj=longlat +ellps=WGS84",
    projectionSource: `GRIB2 grid template 3.${g.template}`,
    area: box,
    timeStart: times[0],
    timeEnd: times[times.length - 1],
    timeSteps: times.length,
    ...(every !== undefined && times.every((t, i) => i === 0 || t - times[i - 1] === every)
      ? { timeStepSeconds: every }
      : {}),
    resolutionM: Math.sqrt(step * 111320 * Math.cos((midLat * Math.PI) / 180) * dLat * 111320),
    signature: ["wind", "grib2", g.template, g.ni, g.nj, g.lat1, g.lon1, g.lat2, g.lon2, g.scanMode].join(
      "|",
    ),
  };
}

/** Degrees of margin around the window when cutting the decoded area. */
function margin(window: ForcingWindow): number {
  return Math.max(1, 0.5 * Math.max(window.east - window.west, window.north - window.south));
}

export class Grib2WindSource implements ForcingSource {
  readonly name: string;
  readonly timeRange: readonly [number, number];
  readonly coverageText: string;
  readonly provenance: Record<string, string | number>;
  readonly area: LonLatBox;
  field: GriddedField | null = null;
  private readonly paths: string[];
  private cut: { box: LonLatBox | null; from: number; to: number } | null = null;
  private readonly scratch = new Float64Array(8);

  constructor(paths: string[], info?: VectorDescription) {
    const d = info ?? describeGribWind(paths[0]);
    if (!d) throw new ForcingFileError(paths[0], "has no 10 m wind (GRIB2 U/V at 10 m above ground)");
    this.paths = paths;
    this.area = d.area;
    let start = d.timeStart;
    let end = d.timeEnd;
    for (const p of paths.slice(1)) {
      const o = describeGribWind(p);
      if (!o) throw new ForcingFileError(p, "has no 10 m wind (GRIB2 U/V at 10 m above ground)");
      start = Math.min(start, o.timeStart);
      end = Math.max(end, o.timeEnd);
    }
    this.timeRange = [start, end];
    this.name =
      paths.length === 1
        ? basename(paths[0])
        : `${basename(paths[0])} … ${basename(paths[paths.length - 1])} (${paths.length} files)`;
    this.coverageText = `${formatBox(this.area)}, ${isoMinute(start)}..${isoMinute(end)}`;
    this.provenance = {
      type: "file",
      files: paths.map((p) => basename(p)).join(", "),
      variables: "10u, 10v (GRIB2 0/2/2, 0/2/3 at 10 m)",
      grid: d.grid,
      area: formatBox(this.area),
      timeStart: isoMinute(start),
      timeEnd: isoMinute(end),
    };
  }

  async prepare(window: ForcingWindow): Promise<void> {
    const m = margin(window);
    this.load(
      { west: window.west - m, east: window.east + m, south: window.south - m, north: window.north + m },
      window.start,
      window.end,
    );
  }

  sample(
    time: number,
    lon: Float64Array,
    lat: Float64Array,
    count: number,
    need: Uint8Array,
    u: Float64Array,
    v: Float64Array,
  ): void {
    if (!(time >= this.timeRange[0] && time <= this.timeRange[1])) return;
    const f = this.field;
    if (!f || !(time >= f.times[0] && time <= f.times[f.times.length - 1])) {
      const c = this.cut;
      this.load(c?.box ?? null, Math.min(time, c?.from ?? time), Math.max(time, c?.to ?? time));
    }
    sampleGriddedField(this.field!, null, time, lon, lat, count, need, u, v, this.scratch);
    const box = this.cut?.box;
    if (!box) return;
    // Particles inside the file's area but outside the decoded cut: decode the whole area once.
    for (let i = 0; i < count; i++) {
      if (need[i] === 1 && inBox(this.area, lon[i], lat[i]) && !inBox(box, lon[i], lat[i])) {
        this.load(null, this.cut!.from, this.cut!.to);
        sampleGriddedField(this.field!, null, time, lon, lat, count, need, u, v, this.scratch);
        return;
      }
    }
  }

  private load(box: LonLatBox | null, from: number, to: number): void {
    const parts = this.paths.map(readBytes);
    const total = parts.reduce((n, b) => n + b.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const b of parts) {
      bytes.set(b, at);
      at += b.length;
    }
    let w: Grib2Wind;
    try {
      w = readGrib2Wind(bytes, { from, to, ...(box ? { area: box } : {}), name: this.name });
    } catch (e) {
      throw new ForcingFileError(this.paths.join(", "), (e as Error).message);
    }
    const nx = w.lon.length;
    const ny = w.lat.length;
    const nt = w.times.length;
    const plane = nx * ny;
    const U = new Float32Array(new SharedArrayBuffer(4 * nt * plane));
    const V = new Float32Array(new SharedArrayBuffer(4 * nt * plane));
    for (let k = 0; k < nt; k++) {
      U.set(w.u[k], k * plane);
      V.set(w.v[k], k * plane);
      dropUnphysical(
        U.subarray(k * plane, (k + 1) * plane),
        V.subarray(k * plane, (k + 1) * plane),
        "wind",
        this.paths.join(", "),
      );
      fillFromNeighbours(U.subarray(k * plane, (k + 1) * plane), nx, ny);
      fillFromNeighbours(V.subarray(k * plane, (k + 1) * plane), nx, ny);
    }
    const step = nx > 1 ? Math.abs(w.lon[1] - w.lon[0]) : 0;
    const global = nx > 1 && Math.abs(w.lon[nx - 1] - w.lon[0]) + step >= 360 - 1e-6;
    this.field = {
      kind: "regular",
      nxFull: nx,
      nyFull: ny,
      xAxis: w.lon,
      yAxis: w.lat,
      xRegular: true,
      yRegular: isRegular(w.lat),
      lonPeriod: global ? 360 : 0,
      projection: null,
      curvilinear: null,
      i0: 0,
      j0: 0,
      nx,
      ny,
      times: Float64Array.from(w.times),
      u: U,
      v: V,
      gridRelative: false,
    };
    this.cut = {
      box:
        box && !global
          ? { west: w.lon[0], east: w.lon[nx - 1], south: w.lat[0], north: w.lat[ny - 1] }
          : null,
      from,
      to,
    };
  }
}

function isRegular(a: Float64Array): boolean {
  const step = (a[a.length - 1] - a[0]) / (a.length - 1);
  for (let i = 1; i < a.length; i++)
    if (Math.abs(a[i] - a[i - 1] - step) > Math.abs(step) * 1e-6) return false;
  return true;
}

function inBox(b: LonLatBox, lon: number, lat: number): boolean {
  if (lat < b.south || lat > b.north) return false;
  if (b.east - b.west >= 360) return true;
  const l = b.west + ((((lon - b.west) % 360) + 360) % 360);
  return l <= b.east;
}

/** GRIB2 files (10 m wind only): all the files of one call are read as one stream. */
export const GRIB2_FORMAT: Omit<ForcingFormat, "label" | "sniff"> = {
  async describe(path, size) {
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
  },
  async open(paths, kind, skipBad) {
    const wind: string[] = [];
    for (const path of paths) {
      if (kind === "wind") wind.push(path);
      else if (!skipBad)
        throw new ForcingFileError(path, `has no ${kind} variables (GRIB2 files give 10 m wind only)`);
    }
    if (!wind.length) return [];
    try {
      return [new Grib2WindSource(wind)];
    } catch (e) {
      if (!(skipBad && e instanceof ForcingFileError)) throw e;
      return [];
    }
  },
};
