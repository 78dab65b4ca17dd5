// Reader for GMT's binned GSHHG shoreline file (binned_GSHHS_f.nc, NetCDF-4/HDF5, Debian gmt-gshhg-full).
//
// The file cuts every GSHHG polygon into pieces ("segments") per 1° bin. Per bin it stores the levels of
// its 4 corners (0 sea, 1 land, 2 lake, 3 island in lake, 4 pond) and its segments; a segment enters and
// leaves the bin through a side (0 south, 1 east, 2 north, 3 west) or is a closed ring inside (side 4).
// Points are unsigned 16-bit offsets from the bin's south-west corner in units of 1/65535 of the bin.
// We read the small index arrays once and the points of a bin only when it is needed (synchronously:
// h5wasm's reads are synchronous once the module is ready).
import { existsSync } from "node:fs";
import h5wasm from "h5wasm/node";

export const DEFAULT_GSHHG_FILE = "/usr/share/gmt-gshhg/binned_GSHHS_f.nc";
/** Positions along a bin side and point offsets run 0..UNITS (GSHHS_MAX_DELTA in GMT). */
export const UNITS = 65535;
export const BINS_X = 360;
export const BINS_Y = 180;
export const BIN_COUNT = BINS_X * BINS_Y;

/** Side codes of segment ends. */
export const SIDE_SOUTH = 0;
export const SIDE_EAST = 1;
export const SIDE_NORTH = 2;
export const SIDE_WEST = 3;
export const SIDE_INSIDE = 4;

/** The Antarctic grounding-line polygons carry level 6; GMT's default (ice front) leaves them out. */
const LEVEL_ANTARCTIC_GROUNDING_LINE = 6;

export interface GshhgSegment {
  /** Hierarchy level of the polygon the segment belongs to: 1 land, 2 lake, 3 island in lake, 4 pond. */
  level: number;
  entry: number;
  exit: number;
  /** Offsets from the bin's SW corner, 0..65535 (units of 1/65535 degree). */
  x: Uint16Array;
  y: Uint16Array;
}

export interface GshhgBin {
  index: number;
  /** Column 0..359: the bin's west edge is `col` degrees east (0..359). */
  col: number;
  /** Row 0..179 from the north: the bin's south edge is 89 - row degrees. */
  row: number;
  /** Corner levels, counter-clockwise from the south-west: SW, SE, NE, NW. */
  corners: [number, number, number, number];
  segments: GshhgSegment[];
}

/** Bin index of a position; lon any value (wrapped), lat clamped to [-90, 90]. */
export function binIndexOf(lon: number, lat: number): number {
  const x = lon - 360 * Math.floor(lon / 360);
  let col = Math.floor(x);
  if (col >= BINS_X) col = 0;
  let row = Math.floor(90 - lat);
  if (row < 0) row = 0;
  else if (row >= BINS_Y) row = BINS_Y - 1;
  return row * BINS_X + col;
}

export function gshhgPath(override?: string): string {
  return override ?? process.env.GSHHG_FILE ?? DEFAULT_GSHHG_FILE;
}

export class GshhgMissingError extends Error {
  constructor(path: string) {
    super(
      `GSHHG shoreline file not found: ${path}. Install the Debian package gmt-gshhg-full ` +
        `(apt-get install gmt-gshhg-full), or set GSHHG_FILE to the path of binned_GSHHS_f.nc.`,
    );
    this.name = "GshhgMissingError";
  }
}

type H5File = InstanceType<typeof h5wasm.File>;

/** An open binned GSHHG file with its index arrays in memory. Use `openGshhg` to share one per path. */
export class GshhgFile {
  readonly path: string;
  readonly version: string;
  /** Packed corner levels per bin (3 bits each: SW << 9 | SE << 6 | NE << 3 | NW). */
  readonly binCorners: Int16Array;
  readonly binSegmentCount: Int16Array;
  readonly binFirstSegment: Int32Array;
  /** Packed per segment: points << 9 | level << 6 | entry << 3 | exit. */
  readonly segmentInfo: Int32Array;
  readonly segmentFirstPoint: Int32Array;
  private readonly file: H5File;
  private readonly cache = new Map<number, GshhgBin>();
  private readonly cacheLimit = 256;
  /** Points read so far (for tests and benchmarks: proves reads are lazy). */
  pointsRead = 0;

  private constructor(path: string, file: H5File) {
    this.path = path;
    this.file = file;
    const read = <T>(name: string): T => {
      const ds = file.get(name);
      if (!ds || !(ds instanceof h5wasm.Dataset)) {
        throw new Error(`GSHHG file ${path}: variable ${name} missing; expected GMT's binned GSHHS format`);
      }
      return ds.value as T;
    };
    const binSize = (read<Int32Array>("Bin_size_in_minutes") as Int32Array)[0];
    const nx = read<Int32Array>("N_bins_in_360_longitude_range")[0];
    const ny = read<Int32Array>("N_bins_in_180_degree_latitude_range")[0];
    if (binSize !== 60 || nx !== BINS_X || ny !== BINS_Y) {
      throw new Error(
        `GSHHG file ${path}: bins of ${binSize} minutes (${nx}×${ny}); only 60-minute bins (full resolution) are supported`,
      );
    }
    const version = file.attrs.version?.value;
    this.version = typeof version === "string" ? version : String(version ?? "unknown");
    this.binCorners = read<Int16Array>("Embedded_node_levels_in_a_bin");
    this.binSegmentCount = read<Int16Array>("N_segments_in_a_bin");
    this.binFirstSegment = read<Int32Array>("Id_of_first_segment_in_a_bin");
    this.segmentInfo = read<Int32Array>("Embedded_npts_levels_exit_entry_for_a_segment");
    this.segmentFirstPoint = read<Int32Array>("Id_of_first_point_in_a_segment");
  }

  static async open(path = gshhgPath()): Promise<GshhgFile> {
    if (!existsSync(path)) throw new GshhgMissingError(path);
    await h5wasm.ready;
    let file: H5File;
    try {
      file = new h5wasm.File(path, "r");
    } catch (err) {
      throw new Error(`GSHHG file ${path}: cannot open as NetCDF-4/HDF5 (${(err as Error).message})`);
    }
    return new GshhgFile(path, file);
  }

  /** Corner level k (0 SW, 1 SE, 2 NE, 3 NW) of bin b. */
  corner(b: number, k: number): number {
    return ((this.binCorners[b] & 0xffff) >> (9 - 3 * k)) & 7;
  }

  /** Level of a segment as used for the land mask (Antarctic grounding line dropped: -1). */
  segmentLevel(s: number): number {
    const level = (this.segmentInfo[s] >> 6) & 7;
    return level === LEVEL_ANTARCTIC_GROUNDING_LINE ? -1 : level;
  }

  /** Highest level among the usable segments of bin b, or 0 when it has none. */
  maxSegmentLevel(b: number): number {
    let max = 0;
    const first = this.binFirstSegment[b];
    const n = this.binSegmentCount[b];
    for (let s = first; s < first + n; s++) max = Math.max(max, this.segmentLevel(s));
    return max;
  }

  /** The segments of bin b with their points (read on first use, then cached). */
  bin(b: number): GshhgBin {
    const hit = this.cache.get(b);
    if (hit) {
      this.cache.delete(b);
      this.cache.set(b, hit);
      return hit;
    }
    const bin = this.bins([b]).get(b)!;
    this.cache.set(b, bin);
    if (this.cache.size > this.cacheLimit) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    return bin;
  }

  /**
   * The segments of many bins, read in few large slices: the file stores points in bin order, and each
   * slice read decompresses whole chunks of ~33,000 points, so neighbouring bins are read together.
   */
  bins(indices: readonly number[]): Map<number, GshhgBin> {
    const out = new Map<number, GshhgBin>();
    const sorted = [...new Set(indices)].sort((a, b) => a - b);
    const range = (b: number): [number, number] => {
      const first = this.binFirstSegment[b];
      const last = first + this.binSegmentCount[b] - 1;
      return [this.segmentFirstPoint[first], this.segmentFirstPoint[last] + (this.segmentInfo[last] >>> 9)];
    };
    let k = 0;
    while (k < sorted.length) {
      if (this.binSegmentCount[sorted[k]] === 0) {
        out.set(sorted[k], this.decodeBin(sorted[k], null, null, 0));
        k++;
        continue;
      }
      // Grow the group while the next coastal bin's points start close to the group's end.
      let [p0, p1] = range(sorted[k]);
      const group = [sorted[k]];
      let m = k + 1;
      for (; m < sorted.length; m++) {
        const b = sorted[m];
        if (this.binSegmentCount[b] === 0) {
          out.set(b, this.decodeBin(b, null, null, 0));
          continue;
        }
        const [q0, q1] = range(b);
        if (q0 - p1 > 65536) break;
        group.push(b);
        p1 = q1;
      }
      const xs = this.readShorts("Relative_longitude_from_SW_corner_of_bin", p0, p1);
      const ys = this.readShorts("Relative_latitude_from_SW_corner_of_bin", p0, p1);
      this.pointsRead += p1 - p0;
      for (const b of group) out.set(b, this.decodeBin(b, xs, ys, p0));
      k = m;
    }
    return out;
  }

  private decodeBin(b: number, xs: Uint16Array | null, ys: Uint16Array | null, p0: number): GshhgBin {
    const row = Math.floor(b / BINS_X);
    const col = b - row * BINS_X;
    const corners: [number, number, number, number] = [
      this.corner(b, 0),
      this.corner(b, 1),
      this.corner(b, 2),
      this.corner(b, 3),
    ];
    const segments: GshhgSegment[] = [];
    const first = this.binFirstSegment[b];
    const n = this.binSegmentCount[b];
    for (let s = first; xs && ys && s < first + n; s++) {
      const level = this.segmentLevel(s);
      if (level < 0) continue;
      const info = this.segmentInfo[s];
      const start = this.segmentFirstPoint[s] - p0;
      const count = info >>> 9;
      segments.push({
        level,
        entry: (info >> 3) & 7,
        exit: info & 7,
        x: xs.subarray(start, start + count),
        y: ys.subarray(start, start + count),
      });
    }
    return { index: b, col, row, corners, segments };
  }

  private readShorts(name: string, start: number, end: number): Uint16Array {
    const ds = this.file.get(name) as InstanceType<typeof h5wasm.Dataset>;
    const v = ds.slice([[start, end]]) as Int16Array;
    // Offsets are unsigned in the format (0..65535) but stored as signed shorts.
    return new Uint16Array(v.buffer, v.byteOffset, v.length);
  }

  close(): void {
    this.file.close();
  }
}

const opened = new Map<string, Promise<GshhgFile>>();

/** The shared open GSHHG file for `path` (default: env GSHHG_FILE or the Debian location). */
export function openGshhg(path = gshhgPath()): Promise<GshhgFile> {
  let p = opened.get(path);
  if (!p) {
    p = GshhgFile.open(path);
    opened.set(path, p);
    // A failed open (e.g. missing file) must not stick: the operator may install the package and retry.
    p.catch(() => opened.delete(path));
  }
  return p;
}
