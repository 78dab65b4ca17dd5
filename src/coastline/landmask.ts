// The land mask the simulation asks per particle and step: GSHHG full resolution, rasterised per 1° bin.
//
// A bin without shoreline is wholly land or sea (its corner level), so only coastal bins get a raster
// (see tile.ts). `prepareLandMask` builds the rasters of a mission's area up front; a point outside it is
// still answered correctly: its bin's raster is built on the spot (synchronously, ~0.1 s) and kept.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { LandMask, LandRaster } from "../core/types.js";
import { diskCacheDir, writeCacheEntry } from "../io/disk-cache.js";
import { areaBins, type GeoArea, normaliseArea } from "./area.js";
import { type BinShape, binShape, isLandLevel, type LakeRule, levelAt, rasteriseBin } from "./bin-shape.js";
import {
  BIN_COUNT,
  BINS_X,
  binIndexOf,
  type GshhgBin,
  type GshhgFile,
  gshhgPath,
  openGshhg,
  UNITS,
} from "./gshhg.js";
import { coastlineRings, type Position } from "./polygons.js";
import { BLOCK_SHIFT, buildTile, checkCellsPerDegree, LAND_BLOCK, type Tile, tileBytes } from "./tile.js";

export interface LandMaskOptions {
  /** Path of the GSHHG file; default env GSHHG_FILE or the bundled data-bundled/coastline/gshhs_f.bin. */
  gshhgFile?: string;
  /** Lakes count as land by default, as in OpenDrift's GSHHG land polygons (level 1 only). */
  lakes?: LakeRule;
  /** Raster resolution, cells per degree: a power of two, default 4096 (27 m north-south). */
  cellsPerDegree?: number;
  /**
   * Directory to keep built rasters between processes; none by default, except in prepareLandMask, which
   * uses the disk cache (io/disk-cache.ts) unless given null.
   */
  cacheDir?: string | null;
  /** Most rasters a mask builds on demand outside its prepared area before dropping the oldest. */
  maxExtraTiles?: number;
  /**
   * Most rasters built up front (default 400, ~100 MB); beyond that the bins nearest the area's centre
   * are built first and the rest on first use. Guards against windows spanning half the globe.
   */
  maxPreparedTiles?: number;
}

/** A mask's rasters as plain data, to hand to worker threads (structured clone). */
export interface LandMaskData {
  gshhgFile: string;
  lakes: LakeRule;
  cellsPerDegree: number;
  area: GeoArea | null;
  tiles: { bin: number; blocks: Int32Array; bits: Uint8Array }[];
  /** Where the mask keeps rasters it builds (threads write there too). */
  cacheDir?: string;
}

export interface LandMaskStats {
  /** Coastal bins with a raster in this mask. */
  tiles: number;
  /** Of those, built on demand for points outside the prepared area. */
  extraTiles: number;
  bytes: number;
}

const EARTH_RADIUS_M = 6371008.8;
const M_PER_DEG = (Math.PI / 180) * EARTH_RADIUS_M;
const STATE_SEA = 0;
const STATE_LAND = 1;
const STATE_COAST = 2;

/** Per file and lake rule: 0 sea, 1 land, 2 coastal (needs a raster), for all 64,800 bins. */
const binStates = new Map<string, Uint8Array>();

function binStatesFor(f: GshhgFile, lakes: LakeRule): Uint8Array {
  const key = `${f.path}|${lakes}`;
  let s = binStates.get(key);
  if (s) return s;
  s = new Uint8Array(BIN_COUNT);
  for (let b = 0; b < BIN_COUNT; b++) {
    const top = f.maxSegmentLevel(b);
    if (lakes === "land" ? top >= 1 : top > 0) s[b] = STATE_COAST;
    else {
      const corner = f.corner(b, 0);
      s[b] = isLandLevel(lakes === "land" ? Math.min(corner, 1) : corner) ? STATE_LAND : STATE_SEA;
    }
  }
  binStates.set(key, s);
  return s;
}

/** Rasters shared by all masks of a process, least recently used dropped beyond the budget. */
const tileCache = new Map<string, Tile>();
let tileCacheBytes = 0;
let tileCacheBudget = 256 * 1024 * 1024;

/** Memory the shared raster cache may keep (masks keep their own tiles alive regardless). */
export function setTileCacheBudget(bytes: number): void {
  tileCacheBudget = bytes;
  trimTileCache();
}

function remember(key: string, t: Tile): void {
  tileCache.set(key, t);
  tileCacheBytes += tileBytes(t);
  trimTileCache();
}

function trimTileCache(): void {
  for (const [k, t] of tileCache) {
    if (tileCacheBytes <= tileCacheBudget) break;
    tileCache.delete(k);
    tileCacheBytes -= tileBytes(t);
  }
}

export class RasterLandMask implements LandMask {
  readonly name: string;
  readonly cellsPerDegree: number;
  readonly lakes: LakeRule;
  /** The area prepared up front (normalised), or null. */
  readonly area: GeoArea | null;
  private readonly file: GshhgFile;
  private readonly state: Uint8Array;
  private readonly blocks: (Int32Array | undefined)[];
  private readonly bits: (Uint8Array | undefined)[];
  private readonly blockSide: number;
  private readonly cacheDir: string | undefined;
  private cacheFolder: string | undefined;
  private readonly maxExtraTiles: number;
  private readonly maxPreparedTiles: number;
  private readonly extra: number[] = [];
  private tileCount = 0;
  private byteCount = 0;

  constructor(file: GshhgFile, area: GeoArea | null, opts: LandMaskOptions = {}) {
    const cells = opts.cellsPerDegree ?? 4096;
    checkCellsPerDegree(cells);
    const lakes = opts.lakes ?? "land";
    if (lakes !== "land" && lakes !== "water")
      throw new Error(`lakes: "${lakes}" not allowed; use "land" or "water"`);
    this.file = file;
    this.cellsPerDegree = cells;
    this.lakes = lakes;
    this.area = area ? normaliseArea(area) : null;
    this.blockSide = cells >> BLOCK_SHIFT;
    this.cacheDir = opts.cacheDir ?? undefined;
    this.maxExtraTiles = opts.maxExtraTiles ?? 512;
    this.maxPreparedTiles = opts.maxPreparedTiles ?? 400;
    this.state = binStatesFor(file, lakes);
    this.blocks = new Array(BIN_COUNT).fill(undefined);
    this.bits = new Array(BIN_COUNT).fill(undefined);
    this.name = `GSHHG ${file.version} full resolution, ${(1 / cells).toPrecision(2)}° raster, lakes as ${lakes}`;
  }

  get raster(): LandRaster {
    return {
      cellsPerDegree: this.cellsPerDegree,
      blockSide: this.blockSide,
      binStates: this.state,
      tileAt: (lon, lat) => {
        const bin = binIndexOf(lon, lat);
        if (this.state[bin] !== STATE_COAST) return null;
        const blocks = this.blocks[bin] ?? this.loadExtra(bin);
        return { bin, blocks, bits: this.bits[bin]! };
      },
    };
  }

  /** True where (lon, lat) is land. NaN positions are not land. Any longitude; latitude clamped to ±90. */
  isLand(lon: number, lat: number): boolean {
    let x = lon;
    if (x < 0 || x >= 360) x -= 360 * Math.floor(x / 360);
    let yr = 90 - lat; // degrees south of the north pole
    if (yr < 0) yr = 0;
    else if (yr >= 180) yr = 179.9999999;
    if (!(x >= 0 && yr >= 0)) return false; // NaN
    let col = Math.floor(x);
    if (col >= 360) {
      col = 0;
      x = 0;
    }
    const row = Math.floor(yr);
    const b = row * BINS_X + col;
    const s = this.state[b];
    if (s !== STATE_COAST) return s === STATE_LAND;
    let blocks = this.blocks[b];
    if (blocks === undefined) blocks = this.loadExtra(b);
    const n = this.cellsPerDegree;
    let i = Math.floor((x - col) * n);
    if (i >= n) i = n - 1;
    let j = Math.floor((row + 1 - yr) * n);
    if (j >= n) j = n - 1;
    const o = blocks[(j >> BLOCK_SHIFT) * this.blockSide + (i >> BLOCK_SHIFT)];
    if (o < 0) return o === LAND_BLOCK;
    return ((this.bits[b]![o + ((j & 63) << 3) + ((i & 63) >> 3)] >> (i & 7)) & 1) === 1;
  }

  /**
   * Exact GSHHG level at a point from the shoreline polygons (0 sea, 1 land, 2 lake, 3 island in a lake,
   * 4 pond; with lakes as land only 0 and 1). Slow (reads the bin's polygons): for checks, not per step.
   */
  levelAt(lon: number, lat: number): number {
    const b = binIndexOf(lon, lat);
    if (this.state[b] !== STATE_COAST) {
      const corner = this.file.corner(b, 0);
      return this.lakes === "land" ? Math.min(corner, 1) : corner;
    }
    const shape = this.shape(b);
    const x = lon - 360 * Math.floor(lon / 360);
    const south = 89 - shape.row;
    return levelAt(shape, (x - shape.col) * UNITS, (Math.max(-90, Math.min(90, lat)) - south) * UNITS);
  }

  /**
   * Land bits of the nodes (i / n, j / n degrees from the south-west corner, i, j < n) of a coastal bin,
   * row-major from the south, n a multiple of 8; null for a bin without shore (see isLand).
   */
  nodeRaster(bin: number, n: number): Uint8Array | null {
    if (this.state[bin] !== STATE_COAST) return null;
    return rasteriseBin(this.shape(bin), n, 0);
  }

  /** Nearest sea point (centre of a sea cell) within maxDistanceM, or null; the point itself if at sea. */
  nearestSea(
    lon: number,
    lat: number,
    maxDistanceM: number,
  ): { lon: number; lat: number; distanceM: number } | null {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    const wrapped = lon - 360 * Math.floor((lon + 180) / 360);
    if (!this.isLand(lon, lat)) return { lon: wrapped, lat, distanceM: 0 };
    if (!(maxDistanceM > 0)) return null;
    const cellM = M_PER_DEG / this.cellsPerDegree;
    // Boxes of growing radius r: a box holds every cell within r, so the best found within r is the
    // nearest. Large boxes are sampled (at most ~1000 samples across), then refined at full resolution.
    for (let r = Math.min(maxDistanceM, 250); ; r = Math.min(maxDistanceM, r * 4)) {
      const step = Math.max(1, Math.ceil(r / cellM / 500));
      let best = this.scanForSea(lon, lat, lon, lat, r, step, r);
      if (best && step > 1) {
        best = this.scanForSea(lon, lat, best.lon, best.lat, 2 * step * cellM, 1, best.distanceM) ?? best;
      }
      if (best) return best;
      if (r >= maxDistanceM) return null;
    }
  }

  /**
   * Sea cell nearest to (lon, lat) among the cells within `radiusM` of (aroundLon, aroundLat), every
   * `step`-th cell (columns thinned further towards the poles), at most `limitM` away; or null.
   */
  private scanForSea(
    lon: number,
    lat: number,
    aroundLon: number,
    aroundLat: number,
    radiusM: number,
    step: number,
    limitM: number,
  ): { lon: number; lat: number; distanceM: number } | null {
    const n = this.cellsPerDegree;
    const rows = 180 * n;
    const j0 = Math.floor((aroundLat + 90) * n);
    const i0 = Math.floor((aroundLon + 180) * n);
    const dj = Math.ceil((radiusM / M_PER_DEG) * n) + step;
    const toRad = Math.PI / 180;
    let best: { lon: number; lat: number; distanceM: number } | null = null;
    for (let j = Math.max(0, j0 - dj); j <= Math.min(rows - 1, j0 + dj); j += step) {
      const clat = (j + 0.5) / n - 90;
      // Points of a parallel within r lie within r / (R cos φ) of longitude, φ the more poleward of the
      // two latitudes; near the poles the whole parallel, sampled about as densely as along a meridian.
      const cosMin = Math.min(Math.cos(clat * toRad), Math.cos(aroundLat * toRad));
      const di =
        cosMin <= 1e-9 ? 180 * n : Math.min(180 * n, Math.ceil((radiusM / (M_PER_DEG * cosMin)) * n) + step);
      const stride = Math.max(step, Math.floor(step / Math.max(Math.cos(clat * toRad), 1e-9)));
      for (let i = i0 - di; i <= i0 + di; i += stride) {
        const clon = (i + 0.5) / n - 180;
        if (this.isLand(clon, clat)) continue;
        const d = haversineM(lon, lat, clon, clat);
        if (d <= limitM && (best === null || d < best.distanceM)) {
          best = { lon: clon - 360 * Math.floor((clon + 180) / 360), lat: clat, distanceM: d };
        }
      }
    }
    return best;
  }

  /** Builds the rasters of every coastal bin in the area (kept for the mask's life). */
  prepare(area: GeoArea): void {
    const todo = this.missingTiles(area);
    const bins = this.file.bins(todo);
    for (const b of todo) this.ensureTile(b, bins.get(b));
  }

  /** Like prepare, yielding to the event loop between bins so a server stays responsive. */
  async prepareAsync(area: GeoArea): Promise<void> {
    // Bins whose raster is cached need no shoreline read.
    const todo: number[] = [];
    for (const b of this.missingTiles(area)) {
      const t = this.cachedTile(b);
      if (t) this.adopt(b, t);
      else todo.push(b);
    }
    const bins = this.file.bins(todo);
    for (const b of todo) {
      this.ensureTile(b, bins.get(b));
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private missingTiles(area: GeoArea): number[] {
    const a = normaliseArea(area);
    const todo = areaBins(a).filter((b) => this.state[b] === STATE_COAST && !this.blocks[b]);
    const room = Math.max(0, this.maxPreparedTiles - this.tileCount);
    if (todo.length <= room) return todo;
    // Too many: the bins nearest the centre first (distances in degrees, longitude shrunk by latitude).
    const cLon = (a.west + a.east) / 2;
    const cLat = (a.south + a.north) / 2;
    const dist = (b: number) => {
      const row = Math.floor(b / BINS_X);
      const lat = 89.5 - row;
      let dLon = Math.abs(b - row * BINS_X + 0.5 - cLon) % 360;
      if (dLon > 180) dLon = 360 - dLon;
      return Math.hypot(dLon * Math.cos((lat * Math.PI) / 180), lat - cLat);
    };
    return todo.sort((p, q) => dist(p) - dist(q)).slice(0, room);
  }

  /** The rasters of this mask as plain data (for worker threads: see RasterLandMask.fromData). */
  exportData(): LandMaskData {
    const tiles: LandMaskData["tiles"] = [];
    for (let b = 0; b < BIN_COUNT; b++) {
      const blocks = this.blocks[b];
      if (blocks) tiles.push({ bin: b, blocks, bits: this.bits[b]! });
    }
    return {
      gshhgFile: this.file.path,
      lakes: this.lakes,
      cellsPerDegree: this.cellsPerDegree,
      area: this.area,
      tiles,
      ...(this.cacheDir ? { cacheDir: this.cacheDir } : {}),
    };
  }

  /** A mask from exported data (in a worker thread); bins it lacks are built on demand as usual. */
  static async fromData(data: LandMaskData, opts: LandMaskOptions = {}): Promise<RasterLandMask> {
    const file = await openGshhg(data.gshhgFile);
    const mask = new RasterLandMask(file, data.area, {
      cacheDir: data.cacheDir,
      ...opts,
      lakes: data.lakes,
      cellsPerDegree: data.cellsPerDegree,
    });
    for (const t of data.tiles) {
      if (mask.state[t.bin] !== STATE_COAST) continue;
      mask.blocks[t.bin] = t.blocks;
      mask.bits[t.bin] = t.bits;
      mask.tileCount++;
      mask.byteCount += t.blocks.byteLength + t.bits.byteLength;
    }
    return mask;
  }

  /** Land polygons (GeoJSON MultiPolygon coordinates) of the same coastline, clipped to the area. */
  coastlinePolygons(area: GeoArea, opts: { simplifyM?: number } = {}): Position[][][] {
    return coastlineRings(this.file, normaliseArea(area), this.lakes, opts.simplifyM ?? 0);
  }

  get stats(): LandMaskStats {
    return { tiles: this.tileCount, extraTiles: this.extra.length, bytes: this.byteCount };
  }

  private shape(b: number): BinShape {
    return binShape(this.file.bin(b), this.lakes);
  }

  private ensureTile(b: number, bin?: GshhgBin): void {
    if (this.state[b] !== STATE_COAST || this.blocks[b]) return;
    this.adopt(b, this.tile(b, bin));
  }

  private adopt(b: number, t: Tile): void {
    this.blocks[b] = t.blocks;
    this.bits[b] = t.bits;
    this.tileCount++;
    this.byteCount += tileBytes(t);
  }

  private loadExtra(b: number): Int32Array {
    this.ensureTile(b);
    this.extra.push(b);
    if (this.extra.length > this.maxExtraTiles) {
      const old = this.extra.shift()!;
      this.byteCount -= this.blocks[old]!.byteLength + this.bits[old]!.byteLength;
      this.blocks[old] = undefined;
      this.bits[old] = undefined;
      this.tileCount--;
    }
    return this.blocks[b]!;
  }

  /** The raster of bin b from memory or the disk cache, if there. */
  private cachedTile(b: number): Tile | undefined {
    const key = this.tileKey(b);
    const t = tileCache.get(key);
    if (t) {
      tileCache.delete(key);
      tileCache.set(key, t);
      return t;
    }
    const read = this.readCachedTile(b);
    if (read) remember(key, read);
    return read ?? undefined;
  }

  private tile(b: number, bin?: GshhgBin): Tile {
    const cached = this.cachedTile(b);
    if (cached) return cached;
    const t = buildTile(bin ? binShape(bin, this.lakes) : this.shape(b), this.cellsPerDegree);
    if (this.cacheDir) this.writeCachedTile(b, t);
    remember(this.tileKey(b), t);
    return t;
  }

  private tileKey(b: number): string {
    return `${this.file.path}|${this.lakes}|${this.cellsPerDegree}|${b}`;
  }

  private cachePath(b: number): string {
    // The file's size names it too: another file of the same GSHHG version may differ.
    this.cacheFolder ??= join(
      this.cacheDir!,
      `gshhg-${this.file.version}-${statSync(this.file.path).size}-lakes-${this.lakes}-${this.cellsPerDegree}`,
    );
    return join(this.cacheFolder, `${b}.tile`);
  }

  private readCachedTile(b: number): Tile | null {
    if (!this.cacheDir) return null;
    try {
      const buf = readFileSync(this.cachePath(b));
      const nb = this.blockSide * this.blockSide;
      if (buf.length < nb * 4) return null;
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length).slice();
      return {
        cells: this.cellsPerDegree,
        blocks: new Int32Array(bytes.buffer, 0, nb),
        bits: bytes.subarray(nb * 4),
      };
    } catch {
      return null;
    }
  }

  private writeCachedTile(b: number, t: Tile): void {
    const blocks = new Uint8Array(t.blocks.buffer, t.blocks.byteOffset, t.blocks.byteLength);
    writeCacheEntry(this.cachePath(b), [blocks, t.bits]);
  }
}

export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLon = (lon2 - lon1) * toRad;
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(s)));
}

/**
 * Opens GSHHG (once per process) and builds the rasters of every coastal bin in `area`. Points outside the
 * area are answered too (their bins are rasterised on first use). `area` may cross the antimeridian
 * (east < west). Throws GshhgMissingError when the GSHHG file is missing.
 */
export async function prepareLandMask(area: GeoArea, opts: LandMaskOptions = {}): Promise<RasterLandMask> {
  const file = await openGshhg(gshhgPath(opts.gshhgFile));
  const cacheDir = opts.cacheDir === undefined ? diskCacheDir() : opts.cacheDir;
  const mask = new RasterLandMask(file, area, { ...opts, cacheDir });
  await mask.prepareAsync(area);
  return mask;
}

/** Land polygons of GSHHG full resolution clipped to the area, as GeoJSON MultiPolygon coordinates. */
export async function coastlinePolygons(
  area: GeoArea,
  opts: { simplifyM?: number; lakes?: LakeRule; gshhgFile?: string } = {},
): Promise<Position[][][]> {
  const file = await openGshhg(gshhgPath(opts.gshhgFile));
  const lakes = opts.lakes ?? "land";
  return coastlineRings(file, normaliseArea(area), lakes, opts.simplifyM ?? 0);
}
