// Levels inside one GSHHG bin: exact point levels and the raster of a bin.
//
// We never assemble polygons here. A bin's corner level is known, and walking from the south-west corner
// up the west side and then east along a row, the level changes at every shoreline crossed: crossing the
// shore of a level-L polygon moves between levels L-1 and L. Segment ends on the west side are such
// crossings on the way up. This needs no ring orientation and cannot flood-fill across a bin: an error in
// one row stays in that row of that bin.
import { type GshhgBin, type GshhgSegment, SIDE_INSIDE, UNITS } from "./gshhg.js";

/** How lakes count: "land" (as OpenDrift's GSHHG level-1 land polygons) or "water". */
export type LakeRule = "land" | "water";

/** A bin's segments and corner levels under a lake rule; land is an odd level in both rules. */
export interface BinShape {
  index: number;
  col: number;
  row: number;
  corners: [number, number, number, number];
  segments: GshhgSegment[];
  /** Segment ends on the west side (x = 0), sorted by y, with the level of their polygon. */
  westY: Float64Array;
  westLevel: Uint8Array;
}

export function binShape(bin: GshhgBin, lakes: LakeRule): BinShape {
  const clamp = lakes === "land" ? (l: number) => Math.min(l, 1) : (l: number) => l;
  const segments = lakes === "land" ? bin.segments.filter((s) => s.level === 1) : bin.segments;
  const ends: { y: number; level: number }[] = [];
  for (const s of segments) {
    if (s.entry === SIDE_INSIDE) continue;
    const last = s.x.length - 1;
    if (s.x[0] === 0) ends.push({ y: s.y[0], level: s.level });
    if (s.x[last] === 0) ends.push({ y: s.y[last], level: s.level });
  }
  ends.sort((a, b) => a.y - b.y);
  return {
    index: bin.index,
    col: bin.col,
    row: bin.row,
    corners: [clamp(bin.corners[0]), clamp(bin.corners[1]), clamp(bin.corners[2]), clamp(bin.corners[3])],
    segments,
    westY: Float64Array.from(ends, (e) => e.y),
    westLevel: Uint8Array.from(ends, (e) => e.level),
  };
}

/** The level after crossing the shoreline of a level-`shore` polygon from level `current`. */
export function cross(current: number, shore: number): number {
  return current === shore ? shore - 1 : shore;
}

export function isLandLevel(level: number): boolean {
  return (level & 1) === 1;
}

/** Exact level at (px, py), in bin units (0..65535 from the SW corner). */
export function levelAt(shape: BinShape, px: number, py: number): number {
  let level = shape.corners[0];
  for (let k = 0; k < shape.westY.length && shape.westY[k] < py; k++)
    level = cross(level, shape.westLevel[k]);
  const hits: number[] = [];
  for (const s of shape.segments) {
    const { x, y } = s;
    for (let i = 1; i < x.length; i++) {
      const y0 = y[i - 1];
      const y1 = y[i];
      if (y0 <= py === y1 <= py) continue;
      const xc = x[i - 1] + ((py - y0) * (x[i] - x[i - 1])) / (y1 - y0);
      if (xc < px) hits.push(Math.floor(xc * 64) * 8 + s.level);
    }
  }
  // Order matters when levels differ (a lake shore after a coast): keys sort by x (see rasteriseBin).
  hits.sort((a, b) => a - b);
  for (const h of hits) level = cross(level, h & 7);
  return level;
}

/** y of the sample point of raster row j (bin units): the cell centre, or the node for offset 0. */
function rowY(j: number, n: number, offset = 0.5): number {
  return offset === 0.5 ? ((2 * j + 1) * UNITS) / (2 * n) : ((j + offset) * UNITS) / n;
}

/** First row whose sample point is >= y. */
function firstRowAtOrAbove(y: number, n: number, offset = 0.5): number {
  let j = Math.max(0, Math.ceil((y * n) / UNITS - offset));
  while (j > 0 && rowY(j - 1, n, offset) >= y) j--;
  while (j < n && rowY(j, n, offset) < y) j++;
  return j;
}

/**
 * Raster of a bin: n × n cells (n a multiple of 8), bit (j * n + i) set when the centre of cell column i
 * (west to east), row j (south to north) is land. One bit per cell: 128 KiB for n = 1024. With `offset`
 * 0 the sample points are the nodes (i / n, j / n) of the bin instead of the cell centres.
 */
export function rasteriseBin(shape: BinShape, n: number, offset = 0.5): Uint8Array {
  const bits = new Uint8Array((n * n) >> 3);
  const { segments } = shape;
  if (segments.length === 0) {
    if (isLandLevel(shape.corners[0])) bits.fill(255);
    return bits;
  }
  // Bucket every edge crossing by row (counting sort): rows span few edges each.
  const count = new Int32Array(n + 1);
  for (const s of segments) {
    const { y } = s;
    for (let i = 1; i < y.length; i++) {
      const y0 = y[i - 1];
      const y1 = y[i];
      if (y0 === y1) continue;
      const j0 = firstRowAtOrAbove(Math.min(y0, y1), n, offset);
      const j1 = firstRowAtOrAbove(Math.max(y0, y1), n, offset);
      for (let j = j0; j < j1; j++) count[j + 1]++;
    }
  }
  for (let j = 0; j < n; j++) count[j + 1] += count[j];
  const keys = new Int32Array(count[n]);
  const fill = count.slice(0, n);
  for (const s of segments) {
    const { x, y, level } = s;
    for (let i = 1; i < y.length; i++) {
      const y0 = y[i - 1];
      const y1 = y[i];
      if (y0 === y1) continue;
      const x0 = x[i - 1];
      const slope = (x[i] - x0) / (y1 - y0);
      const j0 = firstRowAtOrAbove(Math.min(y0, y1), n, offset);
      const j1 = firstRowAtOrAbove(Math.max(y0, y1), n, offset);
      for (let j = j0; j < j1; j++) {
        const xc = x0 + (rowY(j, n, offset) - y0) * slope;
        // x in 1/64 unit (3 cm) and the level in the low 3 bits: one numeric sort orders the row.
        keys[fill[j]++] = Math.floor(xc * 64) * 8 + level;
      }
    }
  }
  let west = shape.corners[0];
  let w = 0;
  const cellsPerUnit = n / UNITS;
  for (let j = 0; j < n; j++) {
    const yc = rowY(j, n, offset);
    while (w < shape.westY.length && shape.westY[w] < yc) west = cross(west, shape.westLevel[w++]);
    const row = keys.subarray(count[j], count[j + 1]);
    row.sort();
    let level = west;
    let i = 0;
    const base = j * n;
    for (let k = 0; k < row.length; k++) {
      const key = row[k];
      const xc = (key >> 3) / 64;
      // Cells whose centre lies west of the crossing keep the current level.
      let end = Math.ceil(xc * cellsPerUnit - offset);
      if (end > n) end = n;
      if (end > i) {
        if (level & 1) setRun(bits, base + i, base + end);
        i = end;
      }
      level = cross(level, key & 7);
    }
    if (i < n && level & 1) setRun(bits, base + i, base + n);
  }
  return bits;
}

function setRun(bits: Uint8Array, a: number, b: number): void {
  while (a < b && a & 7) {
    bits[a >> 3] |= 1 << (a & 7);
    a++;
  }
  while (b - a >= 8) {
    bits[a >> 3] = 255;
    a += 8;
  }
  while (a < b) {
    bits[a >> 3] |= 1 << (a & 7);
    a++;
  }
}
