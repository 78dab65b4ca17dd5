// Reader of the GSHHG full-resolution shoreline, cut into 1° bins as GMT stores it.
//
// Two files hold the same data: our own bundled file (data-bundled/coastline/gshhs_f.bin, made once from
// GMT's file by scripts/bundle-gshhg.ts: see there for its layout) and GMT's binned_GSHHS_f.nc
// (NetCDF-4/HDF5, Debian gmt-gshhg-full), which GSHHG_FILE may name instead.
//
// The file cuts every GSHHG polygon into pieces ("segments") per 1° bin. Per bin it stores the levels of
// its 4 corners (0 sea, 1 land, 2 lake, 3 island in lake, 4 pond) and its segments; a segment enters and
// leaves the bin through a side (0 south, 1 east, 2 north, 3 west) or is a closed ring inside (side 4).
// Points are unsigned 16-bit offsets from the bin's south-west corner in units of 1/65535 of the bin.
// We read the small index arrays once and the points of a bin only when it is needed (synchronously).
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inflateRawSync } from "node:zlib";

/** The shoreline bundled with the package (GSHHG 2.3.7 full resolution, LGPL-3.0: see its folder). */
export const BUNDLED_GSHHG_FILE = fileURLToPath(
  new URL("../../data-bundled/coastline/gshhs_f.bin", import.meta.url),
);
/** GMT's own file where Debian's gmt-gshhg-full installs it (an optional override via GSHHG_FILE). */
export const DEBIAN_GSHHG_FILE = "/usr/share/gmt-gshhg/binned_GSHHS_f.nc";
export const DEFAULT_GSHHG_FILE = BUNDLED_GSHHG_FILE;
/** First bytes of the bundled format. */
export const BUNDLED_MAGIC = "DLGSHHG1";
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
  return override ?? (process.env.GSHHG_FILE || DEFAULT_GSHHG_FILE);
}

export class GshhgMissingError extends Error {
  constructor(path: string) {
    super(
      path === BUNDLED_GSHHG_FILE
        ? `GSHHG shoreline file not found: ${path}, which comes with the package. Reinstall it (npm ci), ` +
            `or set GSHHG_FILE to GMT's binned_GSHHS_f.nc (Debian package gmt-gshhg-full: ${DEBIAN_GSHHG_FILE}).`
        : `GSHHG shoreline file not found: ${path} (from GSHHG_FILE). Unset GSHHG_FILE to use the shoreline ` +
            `that comes with the package, or install the Debian package gmt-gshhg-full (${DEBIAN_GSHHG_FILE}).`,
    );
    this.name = "GshhgMissingError";
  }
}

/** The arrays of a binned GSHHG file and a way to read its points. */
interface GshhgSource {
  version: string;
  binCorners: Int16Array;
  binSegmentCount: Int16Array;
  binFirstSegment: Int32Array;
  segmentInfo: Int32Array;
  segmentFirstPoint: Int32Array;
  /** Longitude and latitude offsets of points start..end-1 (unsigned). */
  readPoints(start: number, end: number): [Uint16Array, Uint16Array];
  close(): void;
}

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
  private readonly source: GshhgSource;
  private readonly cache = new Map<number, GshhgBin>();
  private readonly cacheLimit = 256;
  /** Points read so far (for tests and benchmarks: proves reads are lazy). */
  pointsRead = 0;

  private constructor(path: string, source: GshhgSource) {
    this.path = path;
    this.source = source;
    this.version = source.version;
    this.binCorners = source.binCorners;
    this.binSegmentCount = source.binSegmentCount;
    this.binFirstSegment = source.binFirstSegment;
    this.segmentInfo = source.segmentInfo;
    this.segmentFirstPoint = source.segmentFirstPoint;
  }

  /** Opens our bundled file, or GMT's NetCDF file (told apart by their first bytes). */
  static async open(path = gshhgPath()): Promise<GshhgFile> {
    if (!existsSync(path)) throw new GshhgMissingError(path);
    const fd = openSync(path, "r");
    const head = Buffer.alloc(BUNDLED_MAGIC.length);
    readSync(fd, head, 0, head.length, 0);
    if (head.toString("latin1") === BUNDLED_MAGIC) return new GshhgFile(path, openBundled(path, fd));
    closeSync(fd);
    return new GshhgFile(path, await openNetcdf(path));
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
      const [xs, ys] = this.source.readPoints(p0, p1);
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

  /** Points start..end-1 in file order (longitude and latitude offsets), not counted in pointsRead. */
  points(start: number, end: number): [Uint16Array, Uint16Array] {
    return this.source.readPoints(start, end);
  }

  /** Number of points in the file. */
  get pointCount(): number {
    const last = this.segmentInfo.length - 1;
    return this.segmentFirstPoint[last] + (this.segmentInfo[last] >>> 9);
  }

  close(): void {
    this.source.close();
  }
}

/** Layout of the bundled file's JSON header (written by scripts/bundle-gshhg.ts). */
export interface BundledHeader {
  format: 1;
  version: string;
  bins: number;
  segments: number;
  points: number;
  /** Points per compressed chunk (the last may hold fewer). */
  chunkPoints: number;
  /** Compressed bytes of the index block that follows the header. */
  indexBytes: number;
}

/** Chunks of points decoded and kept per file: neighbouring bins share chunks. */
const CHUNK_CACHE = 16;

function openBundled(path: string, fd: number): GshhgSource {
  const fail = (what: string): never => {
    closeSync(fd);
    throw new Error(`GSHHG file ${path}: ${what}; remake it with scripts/bundle-gshhg.ts`);
  };
  const read = (position: number, length: number): Buffer => {
    const buf = Buffer.alloc(length);
    if (readSync(fd, buf, 0, length, position) !== length) fail("shorter than its header says");
    return buf;
  };
  let pos = BUNDLED_MAGIC.length;
  const headerLength = read(pos, 4).readUInt32LE(0);
  pos += 4;
  const header = JSON.parse(read(pos, headerLength).toString("utf8")) as BundledHeader;
  pos += headerLength;
  if (header.format !== 1 || header.bins !== BIN_COUNT) fail(`format ${header.format} not supported`);
  const chunks = Math.ceil(header.points / header.chunkPoints);
  const index = new Uint8Array(inflateRawSync(read(pos, header.indexBytes)));
  pos += header.indexBytes;
  // The index: the 32-bit arrays first, so that every array starts aligned.
  let at = 0;
  const take = <T>(Kind: new (b: ArrayBuffer, o: number, n: number) => T, n: number, size: number): T => {
    const view = new Kind(index.buffer, index.byteOffset + at, n);
    at += n * size;
    return view;
  };
  const binFirstSegment = take(Int32Array, header.bins, 4);
  const segmentInfo = take(Int32Array, header.segments, 4);
  const segmentFirstPoint = take(Int32Array, header.segments, 4);
  const chunkEnd = take(Uint32Array, chunks, 4);
  const binCorners = take(Int16Array, header.bins, 2);
  const binSegmentCount = take(Int16Array, header.bins, 2);
  const dataStart = pos;
  const decoded = new Map<number, Uint16Array>();
  /** Chunk k as [x of its points..., y of its points...]. */
  const chunk = (k: number): Uint16Array => {
    let c = decoded.get(k);
    if (c) {
      decoded.delete(k);
      decoded.set(k, c);
      return c;
    }
    const from = k === 0 ? 0 : chunkEnd[k - 1];
    const bytes = inflateRawSync(read(dataStart + from, chunkEnd[k] - from));
    c = undeltaChunk(bytes, Math.min(header.chunkPoints, header.points - k * header.chunkPoints));
    decoded.set(k, c);
    if (decoded.size > CHUNK_CACHE) decoded.delete(decoded.keys().next().value as number);
    return c;
  };
  return {
    version: header.version,
    binCorners,
    binSegmentCount,
    binFirstSegment,
    segmentInfo,
    segmentFirstPoint,
    readPoints(start, end) {
      const xs = new Uint16Array(end - start);
      const ys = new Uint16Array(end - start);
      for (let p = start; p < end; ) {
        const k = Math.floor(p / header.chunkPoints);
        const c = chunk(k);
        const n = c.length >> 1;
        const first = p - k * header.chunkPoints;
        const last = Math.min(n, end - k * header.chunkPoints);
        xs.set(c.subarray(first, last), p - start);
        ys.set(c.subarray(n + first, n + last), p - start);
        p += last - first;
      }
      return [xs, ys];
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * A chunk of n points is stored as four byte planes (low and high bytes of x, then of y) of the zigzag-coded
 * differences from the point before (the chunk's first from 0): coastline points lie close together, so
 * the high bytes are mostly 0 and deflate well. Returns x of the n points, then y.
 */
export function undeltaChunk(bytes: Uint8Array, n: number): Uint16Array {
  if (bytes.length !== 4 * n) throw new Error(`GSHHG chunk: ${bytes.length} bytes for ${n} points`);
  const out = new Uint16Array(2 * n);
  for (let plane = 0; plane < 2; plane++) {
    const lo = plane * 2 * n;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const z = bytes[lo + i] | (bytes[lo + n + i] << 8);
      v = (v + ((z >>> 1) ^ -(z & 1))) & 0xffff;
      out[plane * n + i] = v;
    }
  }
  return out;
}

/** The inverse of undeltaChunk (for scripts/bundle-gshhg.ts). */
export function deltaChunk(xs: Uint16Array, ys: Uint16Array): Uint8Array {
  const n = xs.length;
  const out = new Uint8Array(4 * n);
  for (const [plane, vs] of [
    [0, xs],
    [1, ys],
  ] as const) {
    const lo = plane * 2 * n;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const d = (((vs[i] - prev) & 0xffff) << 16) >> 16;
      const z = ((d << 1) ^ (d >> 31)) & 0xffff;
      out[lo + i] = z & 255;
      out[lo + n + i] = z >> 8;
      prev = vs[i];
    }
  }
  return out;
}

async function openNetcdf(path: string): Promise<GshhgSource> {
  // Loaded only for GMT's file: the bundled one needs no HDF5.
  const { default: h5wasm } = await import("h5wasm/node");
  await h5wasm.ready;
  let file: InstanceType<typeof h5wasm.File>;
  try {
    file = new h5wasm.File(path, "r");
  } catch (err) {
    throw new Error(`GSHHG file ${path}: cannot open as NetCDF-4/HDF5 (${(err as Error).message})`);
  }
  const read = <T>(name: string): T => {
    const ds = file.get(name);
    if (!ds || !(ds instanceof h5wasm.Dataset)) {
      throw new Error(`GSHHG file ${path}: variable ${name} missing; expected GMT's binned GSHHS format`);
    }
    return ds.value as T;
  };
  const binSize = read<Int32Array>("Bin_size_in_minutes")[0];
  const nx = read<Int32Array>("N_bins_in_360_longitude_range")[0];
  const ny = read<Int32Array>("N_bins_in_180_degree_latitude_range")[0];
  if (binSize !== 60 || nx !== BINS_X || ny !== BINS_Y) {
    throw new Error(
      `GSHHG file ${path}: bins of ${binSize} minutes (${nx}×${ny}); only 60-minute bins (full resolution) are supported`,
    );
  }
  const version = file.attrs.version?.value;
  const shorts = (name: string, start: number, end: number): Uint16Array => {
    const ds = file.get(name) as InstanceType<typeof h5wasm.Dataset>;
    const v = ds.slice([[start, end]]) as Int16Array;
    // Offsets are unsigned in the format (0..65535) but stored as signed shorts.
    return new Uint16Array(v.buffer, v.byteOffset, v.length);
  };
  return {
    version: typeof version === "string" ? version : String(version ?? "unknown"),
    binCorners: read<Int16Array>("Embedded_node_levels_in_a_bin"),
    binSegmentCount: read<Int16Array>("N_segments_in_a_bin"),
    binFirstSegment: read<Int32Array>("Id_of_first_segment_in_a_bin"),
    segmentInfo: read<Int32Array>("Embedded_npts_levels_exit_entry_for_a_segment"),
    segmentFirstPoint: read<Int32Array>("Id_of_first_point_in_a_segment"),
    readPoints: (start, end) => [
      shorts("Relative_longitude_from_SW_corner_of_bin", start, end),
      shorts("Relative_latitude_from_SW_corner_of_bin", start, end),
    ],
    close: () => file.close(),
  };
}

const opened = new Map<string, Promise<GshhgFile>>();

/** The shared open GSHHG file for `path` (default: env GSHHG_FILE or the bundled file). */
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
